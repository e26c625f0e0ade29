import { createHmac } from 'node:crypto';
import { decodeHeartbeat, encodeHeartbeat, ReplayGuard, type HeartbeatMessage } from './codec.js';

const secret = 'a-long-cluster-secret-0123456789';
const now = 1_800_000_000_000;
const ctx = { secret, cluster: 'prod', nodes: ['hv1', 'hv2', 'hv3'], self: 'hv1', now, windowMs: 10_000 };
const msg = (o: Partial<HeartbeatMessage> = {}): HeartbeatMessage => ({ cluster: 'prod', node: 'hv2', boot: 'b1', seq: 1, ts: now, view: { frozen: false, up: 1000, peers: { hv1: [100, 7] }, services: {} }, ...o });

test('a valid heartbeat is accepted once; the same datagram again (a second link) is a duplicate, an older one never accepted a replay', () => {
  const guard = new ReplayGuard();
  const buf = encodeHeartbeat(msg(), secret);
  expect(decodeHeartbeat(buf, ctx, guard)).toEqual(msg());
  expect(decodeHeartbeat(buf, ctx, guard)).toBe('duplicate');
  expect(decodeHeartbeat(encodeHeartbeat(msg({ seq: 3 }), secret), ctx, guard)).toMatchObject({ seq: 3 });
  expect(decodeHeartbeat(buf, ctx, guard)).toBe('duplicate');
  expect(decodeHeartbeat(encodeHeartbeat(msg({ seq: 2 }), secret), ctx, guard)).toBe('replay');
});

test.each([
  ['signed with another secret', () => encodeHeartbeat(msg(), 'not-the-cluster-secret-at-all!!'), 'badMac'],
  ['one byte of the body changed', () => {
    const b = encodeHeartbeat(msg(), secret);
    b[b.length - 3] = b[b.length - 3]! ^ 1;
    return b;
  }, 'badMac'],
  ['truncated', () => encodeHeartbeat(msg(), secret).subarray(0, 20), 'malformed'],
  ['not a heartbeat', () => Buffer.from('hello world, this is not a heartbeat datagram at all'), 'malformed'],
  ['signed garbage', () => {
    const body = Buffer.from('{"cluster":1}');
    return Buffer.concat([Buffer.from('CHB1'), createHmac('sha256', secret).update(body).digest(), body]);
  }, 'malformed'],
  ['from another cluster', () => encodeHeartbeat(msg({ cluster: 'test' }), secret), 'otherCluster'],
  ['from a node not in the cluster', () => encodeHeartbeat(msg({ node: 'intruder' }), secret), 'unknownNode'],
  ['claiming to be this node', () => encodeHeartbeat(msg({ node: 'hv1' }), secret), 'unknownNode'],
  ['older than the window', () => encodeHeartbeat(msg({ ts: now - 60_000 }), secret), 'stale'],
  ['from the future', () => encodeHeartbeat(msg({ ts: now + 60_000 }), secret), 'stale'],
] as const)('a heartbeat %s is rejected', (_, make, reason) => {
  expect(decodeHeartbeat(make(), ctx, new ReplayGuard())).toBe(reason);
});

test('a restarted sender (new boot id) is accepted with newer timestamps only', () => {
  const guard = new ReplayGuard();
  expect(decodeHeartbeat(encodeHeartbeat(msg({ seq: 500, ts: now - 1000 }), secret), ctx, guard)).not.toBe('replay');
  expect(decodeHeartbeat(encodeHeartbeat(msg({ boot: 'b2', seq: 1, ts: now }), secret), ctx, guard)).toMatchObject({ boot: 'b2' });
  // A capture of the old boot, replayed inside the window, is refused.
  expect(decodeHeartbeat(encodeHeartbeat(msg({ seq: 501, ts: now - 500 }), secret), ctx, guard)).toBe('replay');
});

test('a second copy is a duplicate even when a datagram of another boot of the sender came in between', () => {
  const guard = new ReplayGuard();
  const first = encodeHeartbeat(msg({ boot: 'b1', seq: 5, ts: now - 100 }), secret);
  expect(decodeHeartbeat(first, ctx, guard)).toMatchObject({ seq: 5 });
  expect(decodeHeartbeat(encodeHeartbeat(msg({ boot: 'b2', seq: 1, ts: now }), secret), ctx, guard)).toMatchObject({ boot: 'b2' });
  expect(decodeHeartbeat(first, ctx, guard)).toBe('duplicate');
});
