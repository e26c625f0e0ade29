import { skewedClock, systemClock } from '@capsule/core';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { servicePaths, type ServicePaths } from './paths.js';
import { KeywordRegistry } from './registry.js';
import { installPeerCopy, installReceived, updateConfig } from './store.js';
import { listKept } from './kept.js';
import { child, prevails } from './lineage.js';
import { contentHash, currentVersion, decideSync, parseVersion, type ConfigVersion } from './version.js';

const v = (generation: number, text: string): ConfigVersion => ({ generation, hash: contentHash(text) });

test.each<[string, ConfigVersion, ConfigVersion | undefined, string]>([
  ['the other side has no copy', v(3, 'a'), undefined, 'push'],
  ['same content', v(3, 'a'), v(3, 'a'), 'in sync'],
  ['same content, generations apart (a replayed record)', v(3, 'a'), v(5, 'a'), 'in sync'],
  ['theirs is a later generation', v(3, 'a'), v(4, 'b'), 'fetch'],
  ['ours is a later generation', v(4, 'a'), v(3, 'b'), 'push'],
  ['same generation, different content', v(4, 'a'), v(4, 'b'), 'conflict'],
])('decideSync: %s -> %s', (_w, local, remote, decision) => expect(decideSync(local, remote)).toBe(decision));

test.each(['1e300', '-1', 'abc', '{}', '{"generation":-1,"hash":"00"}', '{"generation":1.5,"hash":"' + 'a'.repeat(64) + '"}', '{"generation":1e300,"hash":"' + 'a'.repeat(64) + '"}'])(
  'parseVersion(%s) is a named error, never a version',
  (text) => expect(() => parseVersion(text, 'vm1')).toThrow(expect.objectContaining({ code: 'ConfigVersionInvalid', message: expect.stringContaining('vm1') })),
);

describe('on disk', () => {
  let dir: string;
  const node = (name: string): ServicePaths => servicePaths(join(dir, name), 'web1');
  const registry = new KeywordRegistry();
  const opts = (nodename: string, clock = systemClock) => ({ registry, ctx: { nodename, svcname: 'web1' }, clock });
  const file = (comment: string) => `[DEFAULT]\nnodes = hv1 hv2\ncomment = ${comment}\n`;

  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-version-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('every accepted edit is the next generation; a hand edit counts as one', async () => {
    const p = node('hv1');
    expect((await updateConfig(p, opts('hv1'), 'create', () => file('one')))?.version.generation).toBe(1);
    expect((await updateConfig(p, opts('hv1'), 'set', () => file('two')))?.version.generation).toBe(2);
    expect(await updateConfig(p, opts('hv1'), 'set', (t) => t)).toBeUndefined();
    await writeFile(p.config, file('by hand'));
    expect((await currentVersion(p.config, p.varDir))?.generation).toBe(3);
    await writeFile(p.config, file('by hand again'));
    expect((await currentVersion(p.config, p.varDir))?.generation).toBe(4);
  });

  test('two nodes with skewed clocks: the higher generation wins, whatever the mtimes say', async () => {
    const [hv1, hv2] = [node('hv1'), node('hv2')];
    const ahead = skewedClock(systemClock, 3_600_000);
    const behind = skewedClock(systemClock, -3_600_000);
    await updateConfig(hv1, opts('hv1', ahead), 'create', () => file('hv1 edit'));
    await updateConfig(hv2, opts('hv2', behind), 'create', () => file('base'));
    await updateConfig(hv2, opts('hv2', behind), 'set', () => file('hv2 edit, later and kept'));
    // hv1's copy looks two hours newer, yet it is one edit behind.
    expect((await stat(hv1.config)).mtimeMs - (await stat(hv2.config)).mtimeMs).toBeGreaterThan(7_000_000);
    const [mine, theirs] = [await currentVersion(hv1.config, hv1.varDir), await currentVersion(hv2.config, hv2.varDir)];
    expect([decideSync(mine!, theirs), decideSync(theirs!, mine)]).toEqual(['fetch', 'push']);
    expect(await installReceived(hv1, await readFile(hv2.config, 'utf8'), theirs!, { ...opts('hv1', ahead), from: 'hv2' })).toBe(true);
    expect(await readFile(hv1.config, 'utf8')).toBe(file('hv2 edit, later and kept'));
    // The same copy again is not newer: nothing is installed twice.
    expect(await installReceived(hv1, await readFile(hv2.config, 'utf8'), theirs!, { ...opts('hv1', ahead), from: 'hv2' })).toBe(false);
  });

  test('a received copy whose content does not match its announced version is refused', async () => {
    const p = node('hv1');
    await expect(installReceived(p, file('x'), v(9, 'something else'), { ...opts('hv1'), from: 'vm1' })).rejects.toMatchObject({ code: 'ConfigVersionInvalid' });
  });

  test('20 concurrent edits of different keywords through the config lock: none is lost', async () => {
    const p = node('hv1');
    await updateConfig(p, opts('hv1'), 'create', () => '[DEFAULT]\nnodes = hv1\n\n[env]\n');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        updateConfig(p, opts('hv1'), 'set', async (t) => {
          await new Promise((r) => setTimeout(r, 5));
          return `${t}k${i} = ${i}\n`;
        }),
      ),
    );
    const text = await readFile(p.config, 'utf8');
    expect(Array.from({ length: 20 }, (_, i) => text.includes(`k${i} = ${i}`))).toEqual(Array(20).fill(true));
    expect((await currentVersion(p.config, p.varDir))?.generation).toBe(21);
  });
});

describe('installPeerCopy: by lineage, a diverged copy kept', () => {
  let dir: string;
  const registry = new KeywordRegistry();
  const opts = (nodename: string) => ({ registry, ctx: { nodename, svcname: 'web1' }, clock: systemClock });
  const file = (comment: string) => `[DEFAULT]\nnodes = hv1 hv2\ncomment = ${comment}\n`;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-peer-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('a descendant is installed; an ancestor is refused; a diverged copy that prevails replaces ours, which is kept', async () => {
    const [hv1, hv2] = [servicePaths(join(dir, 'hv1'), 'web1'), servicePaths(join(dir, 'hv2'), 'web1')];
    const base = (await updateConfig(hv1, opts('hv1'), 'create', () => file('base')))!.version;
    expect(await installPeerCopy(hv2, file('base'), base, { ...opts('hv2'), from: 'hv1' })).toBe('installed');
    const e1 = (await updateConfig(hv1, opts('hv1'), 'set', () => file('one')))!.version;
    expect(await installPeerCopy(hv2, file('one'), e1, { ...opts('hv2'), from: 'hv1' })).toBe('installed');
    expect(await installPeerCopy(hv2, file('base'), base, { ...opts('hv2'), from: 'hv1' })).toBe('newer here');
    // Both edit generation 2: hv1 twice more (generation 4) beats hv2 once (3), and hv2's edit is kept, not lost.
    const mine = (await updateConfig(hv2, opts('hv2'), 'set', () => file('hv2 edit')))!.version;
    await updateConfig(hv1, opts('hv1'), 'set', () => file('two'));
    const e3 = (await updateConfig(hv1, opts('hv1'), 'set', () => file('three')))!.version;
    expect(await installPeerCopy(hv1, file('hv2 edit'), mine, { ...opts('hv1'), from: 'hv2' })).toBe('prevails here');
    expect(await installPeerCopy(hv2, file('three'), e3, { ...opts('hv2'), from: 'hv1' })).toBe('superseded');
    expect(await readFile(hv2.config, 'utf8')).toBe(file('three'));
    const kept = await listKept(hv2);
    expect(kept).toMatchObject([{ by: 'hv1', byGeneration: 4, version: { generation: 3, hash: mine.hash } }]);
    expect(await readFile(kept[0]!.file, 'utf8')).toBe(file('hv2 edit'));
    // A copy accepted at a higher ballot prevails over a later generation.
    expect(prevails({ ...mine, ballot: '2.hv2' }, { ...e3, ballot: '1.hv1' })).toBe(true);
  });

  test('a copy whose content does not match its version is refused, nothing written', async () => {
    const p = servicePaths(join(dir, 'hv1'), 'web1');
    const v = child(undefined, contentHash(file('a')));
    await expect(installPeerCopy(p, file('b'), v, { ...opts('hv1'), from: 'hv2' })).rejects.toMatchObject({ code: 'ConfigVersionInvalid' });
    expect(await readFile(p.config, 'utf8').catch(() => 'none')).toBe('none');
  });
});
