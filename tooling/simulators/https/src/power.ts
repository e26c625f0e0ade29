// Power changes of simulated guests as a hypervisor makes them: they take
// time, a guest in the middle of one is busy for other requests, and the
// test's hook runs on each (starting or stopping the sshd that plays the
// guest) before the new state shows.
import type { PowerHook } from './state.js';

export class PowerOps {
  private readonly busy = new Set<string>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly hook?: PowerHook) {}

  isBusy(id: string): boolean {
    return this.busy.has(id);
  }

  /** Runs one change of `id` to `on` after `delayMs`; `apply` records the new state. */
  async run(id: string, guest: { name: string; address?: string }, on: boolean, delayMs: number, apply: () => void, busy = true): Promise<void> {
    if (busy) this.busy.add(id);
    try {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      await this.hook?.(guest, on);
      apply();
    } finally {
      if (busy) this.busy.delete(id);
    }
  }

  /**
   * The same change, for APIs that answer at once (202, a task) and let it
   * happen; `done` gets its outcome. A guest's own shutdown is not `busy`:
   * the hypervisor still takes a hard power-off meanwhile.
   */
  background(id: string, guest: { name: string; address?: string }, on: boolean, delayMs: number, apply: () => void, o: { done?: (e?: unknown) => void; busy?: boolean } = {}): void {
    const done = o.done;
    if (o.busy !== false) this.busy.add(id);
    const p = this.run(id, guest, on, delayMs, apply, o.busy !== false).then(
      () => done?.(),
      (e: unknown) => done?.(e),
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Waits for changes under way, so a simulator closes with no timer left. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
