// The xl simulator's fidelity: arguments, output formats and exit codes of xl(1).
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run, testHosts } from '../../vmhost/lib/run.mjs';

const host = testHosts(fileURLToPath(new URL('../bin', import.meta.url)));

function domain(h, name = 'vm1') {
  const cf = h.path(`${name}.cfg`);
  writeFileSync(cf, `# a comment\nname = "${name}"\nmemory = 512\nvcpus = 2\n`);
  return cf;
}

test('create, list (table and -l JSON), shutdown -w, then the domain is gone', async () => {
  const h = host();
  const cf = domain(h);
  assert.deepEqual(await run(h, 'xl', ['create', cf]), { code: 0, stdout: '', stderr: `Parsing config from ${cf}\n` });
  const list = await run(h, 'xl', ['list']);
  assert.equal(list.code, 0);
  const lines = list.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'Name                                        ID   Mem VCPUs\tState\tTime(s)');
  assert.match(lines[1], /^Domain-0 {37}0 {2}1024 {5}2 {5}r----- +[\d.]+$/);
  assert.match(lines[2], /^vm1 {42}1 {3}512 {5}2 {5}-b---- +[\d.]+$/);
  const long = JSON.parse((await run(h, 'xl', ['list', '-l', 'vm1'])).stdout);
  assert.equal(long[0].domid, 1);
  assert.equal(long[0].config.c_info.name, 'vm1');
  assert.equal(long[0].config.b_info.max_memkb, 512 * 1024);
  const down = await run(h, 'xl', ['shutdown', '-w', 'vm1']);
  assert.deepEqual([down.code, down.stderr], [0, 'Shutting down domain 1\nWaiting for 1 domains\nDomain 1 has been shut down, reason code 0\n']);
  assert.deepEqual(await run(h, 'xl', ['list', 'vm1']), { code: 1, stdout: '', stderr: 'vm1 is an invalid domain identifier (rc=-6)\n' });
  // A new domain gets a new domid, as Xen never reuses one soon.
  await run(h, 'xl', ['create', cf]);
  assert.equal(JSON.parse((await run(h, 'xl', ['list', '-l', 'vm1'])).stdout)[0].domid, 2);
  assert.deepEqual(h.calls().slice(0, 2), [`xl create ${cf}`, 'xl list']);
});

test('errors: missing config file, no name, a name already running, unknown domains, permission denied', async () => {
  const h = host();
  assert.deepEqual(await run(h, 'xl', ['create', h.path('nope.cfg')]), { code: 1, stdout: '', stderr: `Failed to read config file: ${h.path('nope.cfg')}: No such file or directory\n` });
  writeFileSync(h.path('anon.cfg'), 'memory = 128\n');
  assert.match((await run(h, 'xl', ['create', h.path('anon.cfg')])).stderr, /Domain name must be specified/);
  const cf = domain(h);
  await run(h, 'xl', ['create', cf]);
  const again = await run(h, 'xl', ['create', cf]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Domain with name "vm1" already exists/);
  for (const sub of ['shutdown', 'destroy', 'pause']) assert.deepEqual(await run(h, 'xl', [sub, 'ghost']), { code: 1, stdout: '', stderr: 'ghost is an invalid domain identifier (rc=-6)\n' });
  h.fault('denied');
  const denied = await run(h, 'xl', ['list']);
  assert.equal(denied.code, 1);
  assert.match(denied.stderr, /Permission denied\n.*\ncannot init xl context\n$/);
});

test('a guest that ignores shutdown: xl shutdown returns, -w waits until xl destroy', async () => {
  const h = host();
  await run(h, 'xl', ['create', domain(h)]);
  h.fault('ignore-shutdown', 'vm1');
  assert.equal((await run(h, 'xl', ['shutdown', 'vm1'])).code, 0);
  assert.equal((await run(h, 'xl', ['list', 'vm1'])).code, 0);
  const waiting = run(h, 'xl', ['shutdown', '-w', 'vm1']);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(h.guest('vm1')?.name, 'vm1');
  assert.equal((await run(h, 'xl', ['destroy', 'vm1'])).code, 0);
  assert.equal((await waiting).code, 0);
});

test('busy and slow operations, boot and halt hooks', async () => {
  const h = host();
  const cf = domain(h);
  h.hook('vm1', 'boot', `touch ${h.path('booted')}`);
  h.hook('vm1', 'halt', `touch ${h.path('halted')}`);
  h.fault('busy', 'vm1');
  const busy = await run(h, 'xl', ['create', cf]);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /busy/);
  assert.equal(existsSync(h.path('booted')), false);
  h.clearFault('busy', 'vm1');
  h.fault('slow', 'vm1', '1');
  const t0 = Date.now();
  assert.equal((await run(h, 'xl', ['create', cf])).code, 0);
  assert.ok(Date.now() - t0 >= 1000);
  assert.equal(existsSync(h.path('booted')), true);
  h.clearFault('slow', 'vm1');
  await run(h, 'xl', ['destroy', 'vm1']);
  assert.equal(existsSync(h.path('halted')), true);
  // A failing boot hook fails the create: the domain does not run.
  h.hook('vm1', 'boot', 'exit 3');
  assert.equal((await run(h, 'xl', ['create', cf])).code, 1);
  assert.equal(h.guest('vm1'), undefined);
});

test('migrate moves the running domain to the peer; an unknown host fails and the domain stays', async () => {
  const h = host();
  const peer = host();
  await run(h, 'xl', ['create', domain(h)]);
  const uuid = JSON.parse((await run(h, 'xl', ['list', '-l', 'vm1'])).stdout)[0].config.c_info.uuid;
  const lost = await run(h, 'xl', ['migrate', 'vm1', 'nowhere']);
  assert.equal(lost.code, 1);
  assert.match(lost.stderr, /Migration failed, resuming at sender/);
  assert.equal((await run(h, 'xl', ['list', 'vm1'])).code, 0);
  h.peer('hv2', peer);
  const ok = await run(h, 'xl', ['migrate', 'vm1', 'hv2']);
  assert.equal(ok.code, 0);
  assert.match(ok.stderr, /Migration successful\.\n$/);
  assert.equal((await run(h, 'xl', ['list', 'vm1'])).code, 1);
  assert.equal(JSON.parse((await run(peer, 'xl', ['list', '-l', 'vm1'])).stdout)[0].config.c_info.uuid, uuid);
});
