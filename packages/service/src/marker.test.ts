import type { ProcessProbe } from '@capsule/config';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearStaleMigrating, liveMigrating, markerOwner, migratingFile, readMigrating, writeMigrating, type MigratingMarker } from './marker.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-marker-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A pid that provably ran and is gone. */
async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}

const since = '2026-01-01T00:00:00.000Z';
const blind: ProcessProbe = async () => undefined;

test('writeMigrating names this process as the owner, alive', async () => {
  await writeMigrating(dir, 'switch', 'hv2');
  const m = (await readMigrating(dir))!;
  expect(m).toMatchObject({ to: 'hv2', action: 'switch', pid: process.pid, start: expect.any(String) });
  expect(await markerOwner(m)).toBe('alive');
  expect(await liveMigrating(dir)).toEqual({ to: 'hv2', since: m.since });
});

test.each<[string, () => Promise<MigratingMarker>, ProcessProbe | undefined, 'alive' | 'dead' | 'unknown']>([
  ['a dead pid', async () => ({ to: 'hv2', since, action: 'switch', pid: await deadPid(), start: '1' }), undefined, 'dead'],
  ['a recycled pid (this one, another start time)', async () => ({ to: 'hv2', since, action: 'switch', pid: process.pid, start: 'not-its-start' }), undefined, 'dead'],
  ['no owner (written before owners were recorded)', async () => ({ to: 'hv2', since }), undefined, 'dead'],
  ['an owner whose liveness this platform cannot read', async () => ({ to: 'hv2', since, action: 'migrate', pid: process.pid, start: '1' }), blind, 'unknown'],
])('a marker of %s: owner %s', async (_what, marker, probe, liveness) => {
  const m = await marker();
  expect(await markerOwner(m, probe)).toBe(liveness);
  await writeFile(migratingFile(dir), JSON.stringify(m));
  const why = await clearStaleMigrating(dir, probe ? { probe } : {});
  expect(existsSync(migratingFile(dir))).toBe(liveness !== 'dead');
  expect(await liveMigrating(dir, probe)).toEqual(liveness === 'dead' ? undefined : { to: 'hv2', since });
  if (liveness === 'dead') expect(why).toMatch(m.pid ? new RegExp(`^removed the migrating marker of pid ${m.pid} \\((switch|move) to hv2 since ${since}\\): that process is gone$`) : /names no owner/);
  else expect(why).toBeUndefined();
});

test('an unreadable marker is removed only by a caller that says so (one holding the action lock)', async () => {
  await writeFile(migratingFile(dir), '{"to": "hv');
  expect(await clearStaleMigrating(dir)).toBeUndefined();
  expect(await readFile(migratingFile(dir), 'utf8')).toBe('{"to": "hv');
  expect(await clearStaleMigrating(dir, { unreadable: true })).toMatch(/^removed the unreadable migrating marker/);
  expect(existsSync(migratingFile(dir))).toBe(false);
});

test('no marker: nothing to clear, nothing moving', async () => {
  expect(await clearStaleMigrating(dir, { unreadable: true })).toBeUndefined();
  expect(await liveMigrating(dir)).toBeUndefined();
});
