import { EventBus } from './bus.js';

const at = new Date('2026-12-07T10:00:00.000Z');
const quorum = (q: boolean) => ({ kind: 'quorum' as const, quorum: q, reason: q ? 'majority (3/3)' : 'minority (1/3)' });

test('events are numbered and dated in order; a subscriber hears those after it subscribed', () => {
  const bus = new EventBus(1000, () => at);
  bus.publish(quorum(true));
  const heard: number[] = [];
  const off = bus.subscribe((e) => heard.push(e.id));
  bus.publish(quorum(false));
  bus.publish(quorum(true));
  off();
  bus.publish(quorum(false));
  expect(heard).toEqual([2, 3]);
  expect(bus.size).toBe(0);
});

test('Last-Event-ID: what was missed first, from what is kept', () => {
  const bus = new EventBus(3, () => at);
  for (let i = 0; i < 5; i++) bus.publish(quorum(i % 2 === 0));
  const heard: number[] = [];
  bus.subscribe((e) => heard.push(e.id), 1);
  bus.publish(quorum(true));
  // 2 fell out of the three kept: the client learns from the ids that it must read the state again.
  expect(heard).toEqual([3, 4, 5, 6]);
});

test('an event carries its kind, fields, id and time', () => {
  const bus = new EventBus(10, () => at);
  expect(bus.publish({ kind: 'node', node: 'hv2', state: 'lost', reason: 'silent 3.1 s' })).toEqual({ kind: 'node', node: 'hv2', state: 'lost', reason: 'silent 3.1 s', id: 1, at: '2026-12-07T10:00:00.000Z' });
});
