import { LeaseRenewal, type KeepAlive } from './renewal.js';

/** An endpoint whose answers the test gives by hand, one per attempt. */
function endpoint(name: string) {
  const pending: Array<{ id: string; answer(ttl: number): void; fail(e: Error): void }> = [];
  const e: KeepAlive & { pending: typeof pending } = {
    endpoint: name,
    pending,
    keepAlive: (id) => new Promise<number>((answer, fail) => pending.push({ id, answer, fail })),
  };
  return e;
}

function setup() {
  let t = 1000;
  const a = endpoint('a');
  const b = endpoint('b');
  const renewed: number[] = [];
  let expired = 0;
  const r = new LeaseRenewal({ endpoints: [a, b], periodMs: 1000, now: () => t, onRenewed: (at) => renewed.push(at), onExpired: () => expired++ });
  return { r, a, b, renewed, expired: () => expired, at: (ms: number) => (t = ms) };
}

test('one member hanging: the other one\'s answer renews, counted from when the round was sent', async () => {
  const s = setup();
  s.r['leaseId'] = 'L1';
  const round = s.r.tick();
  s.at(1400);
  s.b.pending[0]!.answer(3);
  s.a.pending[0]!.fail(new Error('deadline exceeded'));
  await round;
  expect(s.renewed).toEqual([1000]);
  expect(s.r.health.get('a')).toEqual({ ok: false, error: 'deadline exceeded' });
  expect(s.r.health.get('b')).toEqual({ ok: true, lastOkAt: 1400 });
});

test('both answer: one renewal per round', async () => {
  const s = setup();
  s.r['leaseId'] = 'L1';
  const round = s.r.tick();
  s.a.pending[0]!.answer(3);
  s.b.pending[0]!.answer(2);
  await round;
  expect(s.renewed).toEqual([1000]);
});

test.each([
  ['a TTL of 0: the lease is gone', 0, 1],
  ['a negative TTL', -1, 1],
  ['a TTL left', 2, 0],
])('%s', async (_, ttl, expired) => {
  const s = setup();
  s.r['leaseId'] = 'L1';
  const round = s.r.tick();
  s.a.pending[0]!.answer(ttl);
  s.b.pending[0]!.fail(new Error('unavailable'));
  await round;
  expect(s.expired()).toBe(expired);
});

test('an answer about a lease since replaced (or stopped) renews nothing and expires nothing', async () => {
  const s = setup();
  s.r['leaseId'] = 'L1';
  const round = s.r.tick();
  s.r.stop();
  s.a.pending[0]!.answer(0);
  s.b.pending[0]!.answer(3);
  await round;
  expect(s.renewed).toEqual([]);
  expect(s.expired()).toBe(0);
});

test('the lease asked about is the one given', async () => {
  const s = setup();
  s.r.start('L7');
  s.r.stop();
  expect(s.a.pending.map((p) => p.id)).toEqual(['L7']);
  expect(s.b.pending.map((p) => p.id)).toEqual(['L7']);
});
