// The agent's events, numbered and kept (the newest 1000) so that a client
// reconnecting with Last-Event-ID gets what it missed; each subscriber
// hears every event published after it subscribed, in order.
import type { Event, EventInput } from '@capsule/api';

export class EventBus {
  private readonly kept: Event[] = [];
  private readonly subscribers = new Set<(e: Event) => void>();
  private next = 1;

  constructor(
    private readonly keep = 1000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  publish(input: EventInput): Event {
    const e = { ...input, id: this.next++, at: this.now().toISOString() } as Event;
    this.kept.push(e);
    if (this.kept.length > this.keep) this.kept.shift();
    for (const s of this.subscribers) s(e);
    return e;
  }

  /** Every kept event after `lastId` (none when it is older than what is kept: the client reads the state again), then the new ones; returns the unsubscribe. */
  subscribe(fn: (e: Event) => void, lastId?: number): () => void {
    if (lastId !== undefined) for (const e of this.kept) if (e.id > lastId) fn(e);
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  get size(): number {
    return this.subscribers.size;
  }
}
