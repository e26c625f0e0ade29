// The xm simulator's fidelity: arguments, output formats and exit codes of xm(1) with xend.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run, testHosts } from '../../vmhost/lib/run.mjs';

const host = testHosts(fileURLToPath(new URL('../bin', import.meta.url)));

const U = '0004fb00000600009b2f5e6a7c8d9e0f';
function vmcfg(h) {
  const cf = h.path('vm.cfg');
  writeFileSync(cf, `name = '${U}'\nuuid = '${U}'\nmemory = 1024\nvcpus = 2\n`);
  return cf;
}

test('create, list (all, one, --state=running), shutdown -w', async () => {
  const h = host();
  const cf = vmcfg(h);
  assert.deepEqual(await run(h, 'xm', ['create', cf]), { code: 0, stdout: `Using config file "${cf}".\nStarted domain ${U} (id=1)\n`, stderr: '' });
  const all = (await run(h, 'xm', ['list'])).stdout.trimEnd().split('\n');
  assert.equal(all[0], 'Name                                        ID   Mem VCPUs      State   Time(s)');
  assert.match(all[1], /^Domain-0 +0 +1024 +2 +r----- +[\d.]+$/);
  assert.match(all[2], new RegExp(`^${U} +1 +1024 +2 +-b---- +[\\d.]+$`));
  assert.equal((await run(h, 'xm', ['list', '--state=running'])).stdout.split('\n').filter((l) => l.startsWith(U)).length, 1);
  await run(h, 'xm', ['pause', U]);
  assert.equal((await run(h, 'xm', ['list', '--state=running'])).stdout.includes(U), false);
  assert.match((await run(h, 'xm', ['list', '--state=paused'])).stdout, new RegExp(`${U} +1 +1024 +2 +--p---`));
  await run(h, 'xm', ['unpause', U]);
  assert.deepEqual(await run(h, 'xm', ['shutdown', '-w', U]), { code: 0, stdout: `Domain ${U} terminated\nAll domains terminated\n`, stderr: '' });
  assert.deepEqual(await run(h, 'xm', ['list', U]), { code: 1, stdout: '', stderr: `Error: Domain '${U}' does not exist.\n` });
});

test('errors: missing config, a name in use, unknown domains, not root, xend down', async () => {
  const h = host();
  assert.deepEqual(await run(h, 'xm', ['create', h.path('none.cfg')]), { code: 1, stdout: '', stderr: `Error: Unable to open config file: ${h.path('none.cfg')}\n` });
  const cf = vmcfg(h);
  await run(h, 'xm', ['create', cf]);
  const again = await run(h, 'xm', ['create', cf]);
  assert.deepEqual([again.code, again.stderr], [1, `Error: VM name '${U}' already in use by domain 1\n`]);
  for (const sub of ['shutdown', 'destroy']) assert.deepEqual(await run(h, 'xm', [sub, 'ghost']), { code: 1, stdout: '', stderr: "Error: Domain 'ghost' does not exist.\n" });
  h.fault('denied');
  assert.deepEqual(await run(h, 'xm', ['list']), { code: 1, stdout: '', stderr: 'Error: Most commands need root access.  Please try again as root.\n' });
  h.clearFault('denied');
  h.fault('xend-down');
  assert.match((await run(h, 'xm', ['list'])).stderr, /Unable to connect to xend.*Is xend running\?/);
});

test('a guest ignoring shutdown stays until destroyed; migrate -l moves it to the peer', async () => {
  const h = host();
  const peer = host();
  await run(h, 'xm', ['create', vmcfg(h)]);
  h.fault('ignore-shutdown', U);
  assert.equal((await run(h, 'xm', ['shutdown', U])).code, 0);
  assert.equal((await run(h, 'xm', ['list', U])).code, 0);
  assert.match((await run(h, 'xm', ['migrate', '-l', U, 'ovs9'])).stderr, /can't connect/);
  h.peer('ovs2', peer);
  assert.equal((await run(h, 'xm', ['migrate', '-l', U, 'ovs2'])).code, 0);
  assert.equal((await run(h, 'xm', ['list', U])).code, 1);
  assert.equal((await run(peer, 'xm', ['list', U])).code, 0);
  assert.equal((await run(peer, 'xm', ['destroy', U])).code, 0);
});
