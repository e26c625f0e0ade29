// The shared state: faults by guest or for all, a lock released even when a
// tool fails inside it, busy claims of killed calls ignored, transitions.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../lib/fixture.mjs';
import { busyWith, fault, faultSeconds, readGuest } from '../lib/state.mjs';

const state = fileURLToPath(new URL('../lib/state.mjs', import.meta.url));
const hosts = [];
const host = () => {
  const h = SimHost.create('capsule-sim-kit-');
  hosts.push(h);
  return h;
};
after(() => hosts.forEach((h) => h.dispose()));

/** Runs a snippet as a tool would: its own process, the state module imported. */
function tool(h, body) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', `import * as s from ${JSON.stringify(state)};\n${body}`], { encoding: 'utf8', env: { ...process.env, ...h.env() } });
}

test('a fault for one guest or for all, with seconds', () => {
  const h = host();
  assert.equal(fault(h.dir, 'busy', 'g1'), undefined);
  h.fault('slow', '2', 'g1');
  h.fault('busy');
  assert.equal(faultSeconds(h.dir, 'slow', 'g1', 3), 2);
  assert.equal(faultSeconds(h.dir, 'slow', 'g2', 3), undefined);
  assert.equal(fault(h.dir, 'busy', 'g2'), '');
});

test('fail() inside the lock releases it: the next call does not wait', () => {
  const h = host();
  const r = tool(h, "s.withLock(s.stateDir(), () => s.fail(3, 'boom'));");
  assert.deepEqual([r.status, r.stderr], [3, 'boom\n']);
  assert.equal(existsSync(join(h.dir, '.lock')), false);
  const t0 = Date.now();
  assert.equal(tool(h, 's.withLock(s.stateDir(), () => 0);').status, 0);
  assert.ok(Date.now() - t0 < 5000);
});

test('a transition: checks, the during state, the hook, the after state; a busy claim of a dead call is ignored', () => {
  const h = host();
  h.define('g1', { state: 'off' });
  const bad = tool(h, "s.transition(s.stateDir(), 'g1', { op: 'start', missing: () => s.fail(1, 'missing'), busy: 'busy', check: (g) => (g.state === 'off' ? 'refused' : undefined), after: { state: 'on' } });");
  assert.deepEqual([bad.status, bad.stderr], [1, 'refused\n']);
  h.define('g1', { state: 'off', busy: { op: 'stop', pid: 999999 } });
  assert.equal(busyWith(readGuest(h.dir, 'g1')), undefined);
  h.hook('boot', `echo "$1" > ${h.dir}/booted`);
  const ok = tool(h, "s.transition(s.stateDir(), 'g1', { op: 'start', missing: () => s.fail(1, 'missing'), busy: 'busy', check: () => undefined, during: { state: 'starting' }, hook: 'boot', after: { state: 'on' } });");
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(h.guest('g1'), { state: 'on' });
  assert.equal(spawnSync('cat', [join(h.dir, 'booted')], { encoding: 'utf8' }).stdout, 'g1\n');
  const missing = tool(h, "s.transition(s.stateDir(), 'nope', { op: 'start', missing: () => s.fail(1, 'no such guest'), busy: 'busy', check: () => undefined, after: {} });");
  assert.deepEqual([missing.status, missing.stderr], [1, 'no such guest\n']);
});

test('guest names that are not names are not files', () => {
  const h = host();
  assert.equal(readGuest(h.dir, '../etc/passwd'), undefined);
});
