// No acknowledged config edit is lost, for real: three nodes with sshd and
// agents. An edit is acknowledged (svcmgr exits 0) only once a majority of
// the service's nodes hold it; an edit made on the holder once it is cut off
// is refused, written there alone; the new holder's edit is acknowledged;
// healed, every node converges on the acknowledged line, and the cut-off
// edit is kept on its node, shown, and can be reinstated.
import { TestCluster, until } from '@capsule/testenv';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEntry } from './cli.js';
import { reach, writeWebService } from './cluster-web.js';

const T = 180_000;
const NODES = ['hv1', 'hv2', 'hv3'];

describe('config edits around a cut', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create({ nodes: NODES, nodemgr: cliEntry('nodemgr'), port: 10140, ssh: true, fence: true });
    await writeWebService(c);
    for (const n of c.nodes.keys()) c.startDaemon(n);
  }, T);
  afterAll(() => c?.dispose(), T);

  const file = (n: string) => readFile(join(c.node(n).root, 'etc/capsule/web.conf'), 'utf8');
  const has = (text: string, k: string) => new RegExp(`^${k} = 1$`, 'm').test(text);
  const holding = async (k: string) => (await Promise.all(NODES.map(file))).filter((t) => has(t, k)).length;
  const set = (n: string, k: string, more: string[] = []) => c.cli(n, 'svcmgr', ['-s', 'web', 'set', '--param', `env.${k}`, '--value', '1', ...more]);

  test('acknowledged means held by a majority at once; refused when cut off, kept and shown after the heal, never silently gone', async () => {
    expect(await until('web on hv1', async () => (await reach(c)) === 'hv1')).toBe(true);
    const first = await set('hv1', 'first');
    expect(first).toMatchObject({ code: 0 });
    // Not "eventually": when svcmgr returns, a majority has the edit.
    expect(await holding('first')).toBeGreaterThanOrEqual(2);

    await c.cut('hv1', 'hv2');
    await c.cut('hv1', 'hv3');
    try {
      const cutOff = await set('hv1', 'cutoff');
      expect(cutOff.code).not.toBe(0);
      expect(cutOff.stderr).toMatch(/ConfigNotAcknowledged|not acknowledged/);
      expect(cutOff.stderr).toContain('1 of 3 nodes hold it, 2 needed');
      expect(has(await file('hv1'), 'cutoff')).toBe(true);
      // --local says what it does: this node only.
      const local = await set('hv1', 'local', ['--local']);
      expect(local).toMatchObject({ code: 0 });
      expect(local.stderr).toContain('not acknowledged by the cluster');

      expect(await until('web on hv2 or hv3', async () => ['hv2', 'hv3'].includes(await reach(c)))).toBe(true);
      const holder = await reach(c);
      expect(await set(holder, 'second')).toMatchObject({ code: 0 });
      expect(await holding('second')).toBeGreaterThanOrEqual(2);
    } finally {
      await c.cut('hv1', 'hv2', true);
      await c.cut('hv1', 'hv3', true);
    }

    // Healed: one copy everywhere, carrying both acknowledged edits.
    await until('one copy on every node', async () => new Set(await Promise.all(NODES.map(file))).size === 1);
    const final = await file('hv1');
    expect(has(final, 'first') && has(final, 'second')).toBe(true);
    expect(has(final, 'cutoff')).toBe(false);
    // hv1's refused edits are kept there and said so, with the way back.
    const status = await c.cli('hv1', 'svcmgr', ['-s', 'web', 'print', 'status']);
    const kept = /kept copy (\S+) \(generation \d+, a diverged edit made here\) superseded by (hv2|hv3)'s generation \d+/.exec(status.stdout);
    expect(kept).not.toBeNull();
    const accepted = await c.cli('hv1', 'svcmgr', ['-s', 'web', 'sync', '--accept', kept![1]!]);
    expect(accepted).toMatchObject({ code: 0 });
    expect(await holding('cutoff')).toBeGreaterThanOrEqual(2);
    const back = await file('hv1');
    // Accepting takes that copy whole: the administrator chose hv1's side, as the hint says.
    expect([has(back, 'cutoff'), has(back, 'local'), has(back, 'second')]).toEqual([true, true, false]);
    expect((await c.cli('hv1', 'svcmgr', ['-s', 'web', 'print', 'status'])).stdout).not.toContain(`kept copy ${kept![1]}`);
    await until('the reinstated edit everywhere', async () => (await holding('cutoff')) === 3);
  }, T);
});
