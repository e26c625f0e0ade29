// What every cluster backend must do, run against real instances of it:
// the heartbeat backend on loopback today, a store-backed one next. The
// factory gives one backend per node of `nodes`; `kill` takes a node out as
// a crash would (no goodbye), for backends where that differs from close().
import type { ClusterBackend } from '../src/index.js';

export interface BackendFixture {
  nodes: string[];
  make(): Promise<Record<string, ClusterBackend>>;
  /** Long enough for a lost peer to be noticed: the timeout plus a margin. */
  settleMs: number;
  /**
   * Where quorum comes from: `nodes`, a majority of the cluster's nodes (heartbeats: a lone node has none);
   * `store`, the store's own (etcd: a lone node that etcd answers has it, and claims).
   */
  quorum: 'nodes' | 'store';
}

export const until = async (what: string, ok: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

export function backendContract(name: string, f: BackendFixture): void {
  describe(`${name} backend contract`, () => {
    let b: Record<string, ClusterBackend>;
    let pump: NodeJS.Timeout;
    const view = (node: string) => ({ frozen: false, services: { web: { avail: node === f.nodes[0] ? ('up' as const) : ('down' as const), overall: 'up' as const, frozen: false, startFailed: false, csum: node, mtime: 0, generation: 1 } } });
    beforeEach(async () => {
      b = await f.make();
      await Promise.all(Object.values(b).map((x) => x.start()));
      // The daemon publishes at least once per interval: so does the test.
      pump = setInterval(() => void Promise.all(Object.entries(b).map(([n, x]) => x.publish(view(n)))), 50);
    });
    afterEach(async () => {
      clearInterval(pump);
      await Promise.all(Object.values(b).map((x) => x.close().catch(() => undefined)));
    });

    test('every node sees every other alive with its published view, and the majority has quorum', async () => {
      const [first, second] = f.nodes as [string, string];
      await until('full membership', () => f.nodes.every((n) => b[n]!.membership().alive.length === f.nodes.length), 5 * f.settleMs);
      const m = b[second]!.membership();
      expect([...m.alive].sort()).toEqual([...f.nodes].sort());
      expect(m.quorum.quorum).toBe(true);
      expect(m.views[first]!.services['web']).toMatchObject({ avail: 'up', csum: first });
      expect(b[second]!.peers()[first]).toMatchObject({ alive: true });
      await until('ready', () => b[second]!.membership().ready, 5 * f.settleMs);
      expect(await b[second]!.claim('web')).toBe(true);
    });

    test(`a node that stops publishing is lost after the timeout; a lone node ${f.quorum === 'nodes' ? 'has no quorum and claims nothing' : 'keeps the store\'s quorum and claims'}`, async () => {
      const [first, second, third] = f.nodes as [string, string, string];
      await until('full membership', () => b[third]!.membership().alive.length === f.nodes.length && b[third]!.membership().ready, 5 * f.settleMs);
      await b[first]!.close();
      await until(`${first} lost`, () => !b[third]!.membership().alive.includes(first), 5 * f.settleMs);
      expect(b[third]!.membership().quorum.quorum).toBe(true);
      expect(b[third]!.peers()[first]!.alive).toBe(false);
      await b[second]!.close();
      await until('alone', () => b[third]!.membership().alive.length === 1, 5 * f.settleMs);
      if (f.quorum === 'nodes') {
        expect(b[third]!.membership().quorum).toMatchObject({ quorum: false, reason: expect.stringMatching(/minority/) });
        expect(await b[third]!.claim('web')).toBe(false);
      } else {
        expect(b[third]!.membership().quorum.quorum).toBe(true);
        expect(await b[third]!.claim('web')).toBe(true);
      }
    });

    test('nothing is claimed before the backend has had time to hear its peers', async () => {
      const fresh = (await f.make())[f.nodes[0]!]!;
      // Not started: never ready, never claims.
      expect(fresh.membership().ready).toBe(false);
      expect(await fresh.claim('web')).toBe(false);
    });
  });
}
