// The xm simulator's fidelity: arguments, output formats and exit codes of xm(1) with xend.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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
  // Sorted by name as xend sorts: a uuid starting with a digit comes before Domain-0.
  assert.match(all[1], new RegExp(`^${U} +1 +1024 +2 +-b---- +[\\d.]+$`));
  assert.match(all[2], /^Domain-0 +0 +1024 +2 +r----- +[\d.]+$/);
  assert.equal((await run(h, 'xm', ['list', '--state=running'])).stdout.split('\n').filter((l) => l.startsWith(U)).length, 1);
  await run(h, 'xm', ['pause', U]);
  assert.equal((await run(h, 'xm', ['list', '--state=running'])).stdout.includes(U), false);
  assert.match((await run(h, 'xm', ['list', '--state=paused'])).stdout, new RegExp(`${U} +1 +1024 +2 +--p---`));
  await run(h, 'xm', ['unpause', U]);
  assert.deepEqual(await run(h, 'xm', ['shutdown', '-w', U]), { code: 0, stdout: `Domain ${U} terminated\nAll domains terminated\n`, stderr: '' });
  assert.deepEqual(await run(h, 'xm', ['list', U]), { code: 3, stdout: '', stderr: `Error: Domain '${U}' does not exist.\n` });
});

test('errors: missing config, a name in use, unknown domains, not root, xend down', async () => {
  const h = host();
  assert.deepEqual(await run(h, 'xm', ['create', h.path('none.cfg')]), { code: 1, stdout: '', stderr: `Error: Unable to open config file: ${h.path('none.cfg')}\n` });
  const cf = vmcfg(h);
  await run(h, 'xm', ['create', cf]);
  const again = await run(h, 'xm', ['create', cf]);
  assert.deepEqual([again.code, again.stderr], [1, `Error: Domain '${U}' already exists with ID '1'\n`]);
  for (const sub of ['shutdown', 'destroy']) assert.deepEqual(await run(h, 'xm', [sub, 'ghost']), { code: 3, stdout: '', stderr: "Error: Domain 'ghost' does not exist.\n" });
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
  assert.equal((await run(h, 'xm', ['list', U])).code, 3);
  assert.equal((await run(peer, 'xm', ['list', U])).code, 0);
  assert.equal((await run(peer, 'xm', ['destroy', U])).code, 0);
});

const CORPUS = readFileSync(new URL('../corpus/list-states.txt', import.meta.url), 'utf8').trimEnd().split('\n');
const sample = (name) => CORPUS.find((l) => l.split(' ')[0] === name);
/** A corpus line without its CPU time, the one column the simulator's clock decides. */
const shape = (line) => line.replace(/ +[\d.]+$/, '');

test('every state of the corpus, put through patchGuest, prints exactly the corpus line (but the CPU time)', async () => {
  const h = host();
  for (const line of CORPUS.slice(1)) {
    const [name, domid, , , flags] = line.trim().split(/ +/);
    if (name === 'Domain-0' || name === 'registered') continue;
    writeFileSync(h.path(`${name}.cfg`), `name = '${name}'\nmemory = 512\nvcpus = 1\n`);
    await run(h, 'xm', ['create', h.path(`${name}.cfg`)]);
    h.patchGuest(name, { domid: Number(domid), flags });
  }
  writeFileSync(h.path('registered.cfg'), `name = 'registered'\nmemory = 512\nvcpus = 1\n`);
  assert.equal((await run(h, 'xm', ['new', h.path('registered.cfg')])).code, 0);
  const out = (await run(h, 'xm', ['list'])).stdout.trimEnd().split('\n');
  assert.equal(out[0], CORPUS[0]);
  assert.deepEqual(out.slice(1).map((l) => l.split(' ')[0]), CORPUS.slice(1).map((l) => l.split(' ')[0]), 'sorted by name as xend sorts');
  for (const l of out.slice(2)) assert.equal(shape(l), shape(sample(l.split(' ')[0])));
  assert.equal(out.find((l) => l.startsWith('registered')), sample('registered'));
});

test('--state= is xend\'s power state: running (a dying domain too), paused, crashed, halted (shut down, or registered)', async () => {
  const h = host();
  const flags = { r: 'r-----', b: '-b----', p: '--p---', s: '---s--', c: '----c-', d: '-----d' };
  for (const [name, f] of Object.entries(flags)) {
    writeFileSync(h.path(`${name}.cfg`), `name = '${name}'\n`);
    await run(h, 'xm', ['create', h.path(`${name}.cfg`)]);
    h.patchGuest(name, { flags: f });
  }
  writeFileSync(h.path('n.cfg'), `name = 'n'\n`);
  await run(h, 'xm', ['new', h.path('n.cfg')]);
  const names = async (state) => (await run(h, 'xm', ['list', `--state=${state}`])).stdout.trimEnd().split('\n').slice(1).map((l) => l.split(' ')[0]);
  assert.deepEqual(await names('running'), ['Domain-0', 'b', 'd', 'r']);
  assert.deepEqual(await names('paused'), ['p']);
  assert.deepEqual(await names('crashed'), ['c']);
  assert.deepEqual(await names('halted'), ['n', 's']);
  // A registered domain starts with xm create of its config; unpause clears a paused flag.
  assert.equal((await run(h, 'xm', ['create', h.path('n.cfg')])).code, 0);
  assert.match((await run(h, 'xm', ['list', 'n'])).stdout, /^n +\d+ +128 +1 +-b---- /m);
  await run(h, 'xm', ['unpause', 'p']);
  assert.match((await run(h, 'xm', ['list', 'p'])).stdout, /^p +\d+ +128 +1 +-b---- /m);
});

test('errors are the corpus\'s: not root, xend down, an unknown domain', async () => {
  const h = host();
  const c = (f) => readFileSync(new URL(`../corpus/${f}`, import.meta.url), 'utf8');
  assert.equal((await run(h, 'xm', ['list', 'vm1'])).stderr, c('list-missing.txt'));
  h.fault('denied');
  assert.equal((await run(h, 'xm', ['list'])).stderr, c('not-root.txt'));
  h.clearFault('denied');
  h.fault('xend-down');
  assert.equal((await run(h, 'xm', ['list'])).stderr, c('xend-down.txt'));
});
