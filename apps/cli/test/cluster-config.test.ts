// No acknowledged config edit is lost, for real: three nodes with sshd and
// agents. An edit is acknowledged (svcmgr exits 0) only once a majority of
// the service's nodes hold it; an edit made on the holder once it is cut off
// is refused, written there alone; the new holder's edit is acknowledged;
// healed, every node converges on the acknowledged line, and the cut-off
// edit is kept on its node, shown, and can be reinstated.
import { TestCluster, until } from '@capsule/testenv';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
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
      // Cut off, no majority promises its ballot: refused, nothing written.
      const cutOff = await set('hv1', 'cutoff');
      expect(cutOff.code).not.toBe(0);
      expect(cutOff.stderr).toContain('no majority of hv1 hv2 hv3 promised a ballot');
      expect(has(await file('hv1'), 'cutoff')).toBe(false);
      // --local says what it does: this node only.
      const local = await set('hv1', 'local', ['--local']);
      expect(local).toMatchObject({ code: 0 });
      expect(local.stderr).toContain('not acknowledged by the cluster');

      expect(await until('web on hv2 or hv3', async () => ['hv2', 'hv3'].includes(await reach(c)))).toBe(true);
      const holder = await reach(c);
      // The holder's print status shows every node's instance, hv1 lost; svcmon keeps hv1's row, lost.
      const st = (await c.cli(holder, 'svcmgr', ['-s', 'web', 'print', 'status'])).stdout;
      expect(st).toMatch(new RegExp(`instances, as ${holder}'s daemon hears them \\(quorum\\)`));
      expect(st).toMatch(/ hv1 +LOST/);
      expect(st).toMatch(new RegExp(` ${holder} +up +up`));
      const mon = (await c.cli(holder, 'svcmon', [])).stdout;
      expect(mon).toMatch(/nodes: .*hv1 LOST/);
      expect(mon).toMatch(/web +hv1 +lost/);
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
    expect(has(final, 'local')).toBe(false);
    // hv1's --local edit, replaced by the voted one, is kept there and said so, with the way back.
    const status = await c.cli('hv1', 'svcmgr', ['-s', 'web', 'print', 'status']);
    const kept = /kept copy (\S+) \(generation \d+, a diverged edit made here\) superseded by (hv2|hv3)'s generation \d+/.exec(status.stdout);
    expect(kept).not.toBeNull();
    const accepted = await c.cli('hv1', 'svcmgr', ['-s', 'web', 'sync', '--accept', kept![1]!]);
    expect(accepted).toMatchObject({ code: 0 });
    expect(await holding('local')).toBeGreaterThanOrEqual(2);
    const back = await file('hv1');
    // Accepting takes that copy whole: the administrator chose hv1's side, as the hint says.
    expect([has(back, 'local'), has(back, 'second')]).toEqual([true, false]);
    expect((await c.cli('hv1', 'svcmgr', ['-s', 'web', 'print', 'status'])).stdout).not.toContain(`kept copy ${kept![1]}`);
    await until('the reinstated edit everywhere', async () => (await holding('local')) === 3);
  }, T);

  test('a service created on hv2 is on every node when create returns; delete --cluster removes it everywhere, and no daemon brings it back', async () => {
    const db = (n: string) => join(c.node(n).root, 'etc/capsule/db.conf');
    const src = join(c.node('hv2').root, 'db.src');
    await writeFile(src, '[DEFAULT]\nnodes = hv1 hv2 hv3\n\n[app#1]\nscript = /bin/false\n');
    expect(await c.cli('hv2', 'svcmgr', ['-s', 'db', 'create', '--config', src])).toMatchObject({ code: 0 });
    expect(NODES.filter((n) => existsSync(db(n))).length).toBeGreaterThanOrEqual(2);
    await until('db everywhere', async () => NODES.every((n) => existsSync(db(n))));
    const del = await c.cli('hv1', 'svcmgr', ['-s', 'db', 'delete', '--cluster']);
    expect(del).toMatchObject({ code: 0 });
    expect(NODES.filter((n) => existsSync(db(n)))).toEqual([]);
    // Every daemon has run its replication rounds since: still gone.
    for (const n of NODES) await c.afterHeartbeats(n, 3);
    expect(NODES.filter((n) => existsSync(db(n)))).toEqual([]);
  }, T);
});
