// The admin's target for real: `svcmgr -s web stop` on the node holding web,
// with every daemon running, keeps web down everywhere (no daemon starts it
// again, an agent restarted meanwhile neither), and every node's svcmon
// shows the target; `svcmgr -s web start` on another node starts it there
// and the target started reaches every node.
import { TestCluster, until } from '@capsule/testenv';
import { cliEntry } from './cli.js';
import { holders, reach, sampler, writeWebService } from './cluster-web.js';

const T = 120_000;
const NODES = ['hv1', 'hv2', 'hv3'];

describe('three nodes, the target of web', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create({ nodes: NODES, nodemgr: cliEntry('nodemgr'), port: 10700, ssh: true });
    await writeWebService(c);
    for (const n of NODES) c.startDaemon(n);
  }, T);
  afterAll(() => c?.dispose(), T);

  /** The target every row of `from`'s svcmon shows for web, once per distinct value. */
  const targets = async (from: string) => {
    const rows = JSON.parse((await c.cli(from, 'svcmon', ['--format', 'json'])).stdout) as Array<{ service: string; node: string; target: string }>;
    const web = rows.filter((r) => r.service === 'web');
    return web.length === NODES.length ? [...new Set(web.map((r) => r.target))] : [];
  };
  const everywhere = (target: string) => until(`target ${target} in every node's svcmon`, async () => (await Promise.all(NODES.map(targets))).every((t) => t.length === 1 && t[0] === target));

  test('stop on the holder: web stays down on every node, an agent restart included; start on another node: up there, target started everywhere', async () => {
    const holder = await until('web answering', () => reach(c));
    const other = NODES.find((n) => n !== holder)!;
    const seen = new Map(NODES.map((n) => [n, c.node(n).log.length]));
    const s = sampler(c);
    try {
      const r = await c.cli(holder, 'svcmgr', ['-s', 'web', 'stop']);
      expect(r).toMatchObject({ code: 0, stderr: expect.stringContaining('target stopped (generation 1)') });
      await everywhere('stopped');
      // An agent restarted with the target stopped reads it from its target.json: it starts nothing either.
      await c.restartAgent(other);
      const t0 = Date.now();
      while (Date.now() - t0 < 10_000) {
        expect(await holders(c)).toEqual([]);
        await new Promise((r) => setTimeout(r, 100));
      }
      await everywhere('stopped');
      for (const n of NODES) expect(c.node(n).log.slice(seen.get(n)).join('\n')).not.toMatch(/start web: /);
      expect((await c.cli(other, 'svcmgr', ['-s', 'web', 'print', 'status'])).stdout).toMatch(new RegExp(`^target: stopped \\(by ${holder}, \\d+ s ago\\)$`, 'm'));

      const started = await c.cli(other, 'svcmgr', ['-s', 'web', 'start']);
      expect(started).toMatchObject({ code: 0, stderr: expect.stringContaining('target started (generation 2)') });
      // The app listens a moment after its start returns.
      await until(`web answering on ${other}`, async () => (await reach(c)) === other);
      await everywhere('started');
      expect(await holders(c)).toEqual([other]);
      const json = JSON.parse((await c.cli(holder, 'svcmgr', ['-s', 'web', 'json', 'status'])).stdout) as { target?: { target: string; generation: number; by: string } };
      expect(json.target).toMatchObject({ target: 'started', generation: 2, by: other });
    } finally {
      expect(await s.stop()).toEqual([]);
    }
  }, T);

  test('stop --local acts here only: the target stays started, so the daemons place web again', async () => {
    const holder = await until('web answering', () => reach(c));
    expect((await c.cli(holder, 'svcmgr', ['-s', 'web', 'stop', '--local'])).code).toBe(0);
    await until('web answering again', () => reach(c));
    await everywhere('started');
  }, T);
});
