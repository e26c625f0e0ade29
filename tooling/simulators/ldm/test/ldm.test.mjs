// ldm: the states inactive -> bound -> active, the parseable listing, the
// refusals, forced and graceful stops, constraints and migration.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../remote-kit/lib/fixture.mjs';
import { pause, runTool, startTool } from '../../remote-kit/lib/run.mjs';

const bin = fileURLToPath(new URL('../bin', import.meta.url));
const hosts = [];
let host;
const ldm = (...argv) => runTool(bin, host, ['ldm', ...argv]);
const state = (n) => /\|state=([a-z]+)\|/.exec(ldm('list', '-p', n).stdout)?.[1];
beforeEach(() => {
  host = SimHost.create('capsule-sim-ldm-');
  hosts.push(host);
  host.define('primary', { state: 'active', control: true });
  host.define('ldg1', { state: 'inactive', ncpu: 4, memGiB: 4, shutdown_timeout: 1 });
});
after(() => hosts.forEach((h) => h.dispose()));

test('list -p: a VERSION line, then one DOMAIN line per domain with the flags as letters; -l -p spells them out', () => {
  const out = ldm('list', '-p').stdout.split('\n');
  assert.equal(out[0], 'VERSION 1.11');
  assert.match(out[1], /^DOMAIN\|name=ldg1\|state=inactive\|flags=------\|cons=5000\|ncpu=4\|mem=4294967296\|util=\|uptime=\|norm_util=$/);
  assert.match(out[2], /^DOMAIN\|name=primary\|state=active\|flags=-n-cv-\|cons=UART\|/);
  assert.match(ldm('list', '-l', '-p').stdout, /name=primary\|state=active\|flags=normal,control,vio-service\|/);
  assert.match(ldm('list').stdout, /^NAME +STATE +FLAGS/);
});

test('bind, start, stop, unbind, with the refusals of each state', () => {
  const table = [
    [['start-domain', 'ldg1'], 1, /must be bound before it can be started/],
    [['stop-domain', 'ldg1'], 1, /LDom ldg1 is not active/],
    [['unbind-domain', 'ldg1'], 1, /LDom ldg1 is not bound/],
    [['bind-domain', 'nope'], 1, /LDom nope not found/],
    [['list', '-p', 'nope'], 1, /LDom nope not found/],
    [['frobnicate', 'ldg1'], 1, /Unknown command frobnicate/],
  ];
  for (const [argv, code, err] of table) {
    const r = ldm(...argv);
    assert.equal(r.code, code, argv.join(' '));
    assert.match(r.stderr, err);
  }
  assert.equal(ldm('bind-domain', 'ldg1').code, 0);
  assert.equal(state('ldg1'), 'bound');
  assert.match(ldm('bind', 'ldg1').stderr, /already bound/);
  assert.equal(ldm('start-domain', 'ldg1').stdout, 'LDom ldg1 started\n');
  assert.equal(state('ldg1'), 'active');
  assert.match(ldm('start', 'ldg1').stderr, /already active/);
  assert.match(ldm('unbind', 'ldg1').stderr, /must be stopped before it can be unbound/);
  assert.equal(ldm('stop-domain', 'ldg1').code, 0);
  assert.equal(state('ldg1'), 'bound');
  assert.equal(ldm('unbind-domain', 'ldg1').code, 0);
  assert.equal(state('ldg1'), 'inactive');
});

test('a domain that ignores shutdown: stop-domain times out, stop-domain -f stops it', () => {
  host.fault('ignore-shutdown', '', 'ldg1');
  ldm('bind', 'ldg1');
  ldm('start', 'ldg1');
  const r = ldm('stop-domain', '-t', '1', 'ldg1');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /stop notification failed/);
  assert.equal(state('ldg1'), 'active');
  assert.equal(ldm('stop-domain', '-f', 'ldg1').code, 0);
  assert.equal(state('ldg1'), 'bound');
});

test('busy, authorization, slow start with the transition flag visible meanwhile', async () => {
  ldm('bind', 'ldg1');
  host.fault('busy', '', 'ldg1');
  assert.match(ldm('start', 'ldg1').stderr, /LDom ldg1 is busy/);
  host.clearFault('busy', 'ldg1');
  host.fault('denied');
  assert.deepEqual([ldm('start', 'ldg1').code, ldm('start', 'ldg1').stderr], [1, 'Authorization failed\n']);
  host.clearFault('denied');
  host.fault('slow', '1');
  const done = startTool(bin, host, ['ldm', ...['start', 'ldg1']]);
  await pause(400);
  assert.match(ldm('list', '-p', 'ldg1').stdout, /state=bound\|flags=s-----\|/);
  assert.equal(await done, 0);
  assert.equal(state('ldg1'), 'active');
});

test('list-constraints -x is the XML a peer can add-domain -i', () => {
  const x = ldm('list-constraints', '-x', 'ldg1').stdout;
  assert.match(x, /^<\?xml version="1.0"\?>\n<LDM_interface /);
  assert.match(x, /ovf:id="ldg1"/);
});

test('migrate-domain: needs credentials and a reachable target; the domain leaves this host', () => {
  const peer = SimHost.create('capsule-sim-ldm-');
  hosts.push(peer);
  host.peer('cdom2', peer);
  ldm('bind', 'ldg1');
  ldm('start', 'ldg1');
  assert.match(ldm('migrate-domain', 'ldg1', 'cdom2').stderr, /Failed to authenticate/);
  assert.match(ldm('migrate-domain', '-c', 'ldg1', 'root@nohost').stderr, /Failed to establish connection with ldmd\(8\) on target: nohost/);
  const pw = join(host.dir, 'pw');
  writeFileSync(pw, 'secret\n');
  assert.equal(ldm('migrate-domain', '-n', '-p', pw, 'ldg1', 'root@cdom2').code, 0);
  assert.equal(state('ldg1'), 'active');
  assert.equal(ldm('migrate-domain', '-c', 'ldg1', 'root@cdom2').code, 0);
  assert.match(ldm('list', '-p', 'ldg1').stderr, /not found/);
  assert.equal(peer.guest('ldg1').state, 'active');
});

// The shape of a DOMAIN line: its field names in order, each value's kind.
const shape = (line) => line.split('|').map((f) => f.replace(/=.*/, (v) => (v === '=' ? '=' : /^=\d+(\.\d+)?$/.test(v) ? '=N' : '=W')));
const CORPUS = readFileSync(new URL('../corpus/list-p-letters.txt', import.meta.url), 'utf8').split('\n').filter(Boolean);

test('the corpus shape: what list -p prints in every state is laid out as the corpus lines of that state', () => {
  assert.equal(ldm('list', '-p').stdout.split('\n')[0], CORPUS[0]);
  for (const line of CORPUS.slice(1)) {
    const state = /\|state=([a-z]+)\|/.exec(line)[1];
    const flags = /\|flags=([^|]*)\|/.exec(line)[1];
    host.define('probe', { state, flags, ncpu: 1, memGiB: 4, cons: state === 'inactive' ? '' : 5000 });
    const printed = ldm('list', '-p', 'probe').stdout.split('\n')[1];
    assert.match(printed, new RegExp(`\\|state=${state}\\|flags=${flags.replace(/-/g, '\\-')}\\|`));
    // uptime and utilisation are empty exactly when the corpus's are.
    const ours = shape(printed).slice(1);
    const theirs = shape(line).slice(1);
    assert.deepEqual(ours.map((f, i) => (f.startsWith('cons=') || f.startsWith('ncpu=') || f.startsWith('mem=') ? theirs[i] : f)), theirs, line);
  }
});

test('a state put by the test (the record flags) is printed as is, in both forms', () => {
  host.define('ldg2', { state: 'active', flags: '-n---e' });
  assert.match(ldm('list', '-p', 'ldg2').stdout, /\|state=active\|flags=-n---e\|/);
  assert.match(ldm('list', '-l', '-p', 'ldg2').stdout, /\|flags=-n---e\|/);
  host.define('ldg2', { state: 'active', flags: '-n----' });
  assert.match(ldm('list', '-l', '-p', 'ldg2').stdout, /\|flags=normal\|/);
});
