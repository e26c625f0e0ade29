import type { ProcessProbe } from '@capsule/config';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MovingServices, RECHECK_MS } from './moving.js';

let dir: string;
let lines: string[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capsule-moving-'));
  lines = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const marker = (owner: object) => writeFile(join(dir, 'migrating'), JSON.stringify({ to: 'hv2', since: '2026-01-01T00:00:00.000Z', action: 'switch', ...owner }));
const text = () => (existsSync(join(dir, 'migrating')) ? readFileSync(join(dir, 'migrating'), 'utf8') : undefined);
const log = (l: string) => void lines.push(l);

/** pid 4242 runs with start time '7' until `alive` says otherwise. */
function probeOf(state: { alive: boolean }): ProcessProbe {
  return async (pid) => (pid === 4242 && state.alive ? '7' : null);
}

test('a marker whose owner is gone is published until the first check answers, then removed and logged, and no longer published', async () => {
  const m = new MovingServices({ probe: probeOf({ alive: false }) });
  await marker({ pid: 4242, start: '7' });
  expect(m.to(dir, text(), log)).toBe('hv2');
  await m.idle();
  expect(lines).toEqual(['removed the migrating marker of pid 4242 (switch to hv2 since 2026-01-01T00:00:00.000Z): that process is gone']);
  expect(text()).toBeUndefined();
  expect(m.to(dir, text(), log)).toBeUndefined();
});

test('a live owner keeps its marker published; once it dies, the next check after a second removes it', async () => {
  const state = { alive: true };
  let now = 0;
  const m = new MovingServices({ probe: probeOf(state), now: () => now });
  await marker({ pid: 4242, start: '7' });
  expect(m.to(dir, text(), log)).toBe('hv2');
  await m.idle();
  state.alive = false;
  // Within the second: the last verdict stands, nothing is probed.
  now = RECHECK_MS - 1;
  expect(m.to(dir, text(), log)).toBe('hv2');
  await m.idle();
  expect(text()).toBeDefined();
  now = RECHECK_MS;
  m.to(dir, text(), log);
  await m.idle();
  expect(text()).toBeUndefined();
  expect(m.to(dir, text(), log)).toBeUndefined();
  expect(lines).toHaveLength(1);
});

test('a half-written or garbage marker is not published, and left for svcmgr (under its lock) to remove', async () => {
  const m = new MovingServices({ probe: probeOf({ alive: false }) });
  await writeFile(join(dir, 'migrating'), '{"to": "hv');
  expect(m.to(dir, text(), log)).toBeUndefined();
  await m.idle();
  expect(text()).toBe('{"to": "hv');
  expect(lines).toEqual([]);
});
