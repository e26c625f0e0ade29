// The shared simulator state: records and their due transitions with hooks,
// faults (once, slow), and commands run in a guest's own root and name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../lib/fixture.mjs';

const host = SimHost.create('/nonexistent', 'capsule-simkit-');
after(() => host.dispose());
const lib = fileURLToPath(new URL('../lib/', import.meta.url));

/** Runs a snippet as a simulator process would: its own process, the host's state directory. */
function sim(body) {
  const code = `import * as s from '${lib}state.mjs'; import * as g from '${lib}guest.mjs'; const dir = s.hostDir();\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...host.env() } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('a due transition is applied by the next read, with its hook; an early read keeps the state', async () => {
  host.hook('halt', `#!/bin/sh\necho "halt $1" >> ${join(host.dir, 'marks')}\n`);
  // Seconds, not milliseconds: each read is a new node process, slow on a loaded machine.
  sim(`s.save(dir, 'g1', { state: 'running', next: { state: 'off', at: Date.now() + 3000, event: 'halt' } });`);
  assert.equal(sim(`process.stdout.write(s.locked(dir, () => s.load(dir, 'g1')).state)`).out, 'running');
  await new Promise((r) => setTimeout(r, 3100));
  assert.equal(sim(`process.stdout.write(s.locked(dir, () => s.load(dir, 'g1')).state)`).out, 'off');
  assert.equal(readFileSync(join(host.dir, 'marks'), 'utf8'), 'halt g1\n');
  assert.equal(sim(`process.stdout.write(String(s.load(dir, '../etc/passwd')))`).out, 'undefined');
});

test('faults: per guest before global, once consumed, slow delays and is not returned', () => {
  host.fault('boot', 'busy once', 'g2');
  host.fault('boot', 'denied');
  assert.equal(sim(`process.stdout.write(JSON.stringify([s.fault(dir, 'boot', 'g2'), s.fault(dir, 'boot', 'g2'), s.fault(dir, 'halt', 'g2')]))`).out, '[{"kind":"busy","seconds":1},{"kind":"denied","seconds":1},null]');
  host.fault('halt', 'slow 1');
  const t0 = Date.now();
  assert.equal(sim(`process.stdout.write(String(s.faultBefore(dir, 'halt')))`).out, 'undefined');
  assert.ok(Date.now() - t0 >= 1000);
});

test("a command in a guest: the guest's root, name and bin directories, a clean environment, its exit status", () => {
  const root = join(host.dir, 'root1');
  mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
  const r = sim(`process.exitCode = g.runInGuest({ root: '${root}', name: 'guest1', argv: ['sh', '-c', 'echo "$CAPSULE_ROOT $CAPSULE_NODENAME \${CAPSULE_SIM_STATE:-clean} $(pwd)"; echo "$PATH" | cut -d: -f1; exit 4'], tool: 't' });`);
  assert.deepEqual([r.code, r.out], [4, `${root} guest1 clean ${root}\n${root}/usr/local/sbin\n`]);
  assert.equal(sim(`process.exitCode = g.runInGuest({ root: '${root}', name: 'g', argv: ['capsule-no-such-command'], tool: 't' });`).code, 127);
  assert.equal(sim(`process.stdout.write(g.inGuest('${root}', '/usr/local/bin') + ' ' + g.inGuest('${root}', '/etc/none'))`).out, `${root}/usr/local/bin /etc/none`);
});

test('patchGuest sets fields of a record as the tools read it, keeping the others', () => {
  sim(`s.save(dir, 'g3', { state: 'running', uuid: 'u3' });`);
  host.patchGuest('g3', { state: 'aborted' });
  assert.equal(sim(`process.stdout.write(JSON.stringify(s.locked(dir, () => s.load(dir, 'g3'))))`).out, '{"state":"aborted","uuid":"u3"}');
});
