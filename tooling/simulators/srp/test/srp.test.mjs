// srp and srp_su: lifecycle, the status table, refusals, faults, exchange
// files, and commands run in the container's root under its name.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../remote-kit/lib/fixture.mjs';
import { pause, runTool, startTool } from '../../remote-kit/lib/run.mjs';

const bin = fileURLToPath(new URL('../bin', import.meta.url));
const hosts = [];
let host;
let root;
const run = (argv, o) => runTool(bin, host, argv, o);
const state = (n) => run(['srp', '-status', n]).stdout.split('\n')[1]?.split(/\s+/)[2];
beforeEach(() => {
  host = SimHost.create('capsule-sim-srp-');
  hosts.push(host);
  root = join(host.dir, 'roots', 'srp1');
  mkdirSync(root, { recursive: true });
  host.define('srp1', { state: 'stopped', rootpath: root, ip: '198.51.100.21', kill_grace: 1 });
});
after(() => hosts.forEach((h) => h.dispose()));

test('start, the status table as OpenSVC parses it, stop', () => {
  const s = run(['srp', '-status', 'srp1']).stdout.split('\n');
  assert.match(s[0], /^NAME\s+TYPE\s+STATE\s+SUBTYPE\s+ROOTPATH$/);
  assert.deepEqual(s[1].split(/\s+/), ['srp1', 'system', 'stopped', 'private', root]);
  assert.equal(run(['srp', '-start', 'srp1']).code, 0);
  assert.equal(state('srp1'), 'started');
  assert.match(run(['srp', '-status', 'srp1', '-v']).stdout, /Status:STARTED/);
  assert.match(run(['srp', '-list', 'srp1', '-v']).stdout, /autostart=no/);
  assert.equal(run(['srp', '-stop', 'srp1']).code, 0);
  assert.equal(state('srp1'), 'stopped');
});

test('refusals', () => {
  const table = [
    [['srp', '-status', 'nope'], 1, /Container "nope" does not exist/],
    [['srp', '-stop', 'srp1'], 1, /is stopped: it can be stopped only when started/],
    [['srp'], 2, /missing operation/],
    [['srp_su', 'srp1', 'root', '-c', 'true'], 1, /is stopped: srp_su is allowed only in a started container/],
    [['srp_su', 'nope', 'root', '-c', 'true'], 1, /does not exist/],
  ];
  for (const [argv, code, err] of table) {
    const r = run(argv);
    assert.equal(r.code, code, argv.join(' '));
    assert.match(r.stderr, err);
  }
  run(['srp', '-start', 'srp1']);
  assert.match(run(['srp', '-start', 'srp1']).stderr, /is started: it can be started only when stopped/);
  assert.match(run(['srp_su', 'srp1', 'oracle', '-c', 'true']).stderr, /Unknown login: oracle/);
});

test('srp_su runs the command as su does, in the container root, with its name, stdin and exit code', () => {
  run(['srp', '-start', 'srp1']);
  const r = run(['srp_su', 'srp1', 'root', '-c', 'exec "$0" "$@"', 'sh', '-c', 'echo "$CAPSULE_NODENAME|$CAPSULE_ROOT|$(pwd)|$1"; cat; exit 7', 'x', 'a b'], { input: 'in', env: { SECRET: 'leak' } });
  assert.deepEqual(r, { code: 7, stdout: `srp1|${root}|${root}|a b\nin`, stderr: '' });
  assert.equal(run(['srp_su', 'srp1', 'root', '-c', 'echo "[$SECRET]"'], { env: { SECRET: 'leak' } }).stdout, '[]\n');
});

test('a container that ignores run level 0 is stopped all the same, its processes terminated', () => {
  host.fault('ignore-shutdown', '', 'srp1');
  run(['srp', '-start', 'srp1']);
  const t0 = Date.now();
  const r = run(['srp', '-stop', 'srp1']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Terminated the processes/);
  assert.ok(Date.now() - t0 >= 1000);
  assert.equal(state('srp1'), 'stopped');
});

test('busy, permission denied, slow start shows starting meanwhile', async () => {
  host.fault('busy', '', 'srp1');
  assert.match(run(['srp', '-start', 'srp1']).stderr, /locked by another srp operation/);
  host.clearFault('busy', 'srp1');
  host.fault('denied');
  assert.match(run(['srp', '-start', 'srp1']).stderr, /Permission denied/);
  host.clearFault('denied');
  host.fault('slow', '1');
  const done = startTool(bin, host, ['srp', ...['-start', 'srp1']]);
  await pause(400);
  assert.equal(state('srp1'), 'starting');
  assert.equal(await done, 0);
  assert.equal(state('srp1'), 'started');
});

test('export then import on another host, with variables overridden', () => {
  const xfile = join(host.dir, 'srp1.xml');
  assert.equal(run(['srp', '-batch', '-export', 'srp1', '-xfile', xfile]).code, 0);
  assert.match(readFileSync(xfile, 'utf8'), /<variable name="ip_address" value="198.51.100.21"\/>/);
  const other = SimHost.create('capsule-sim-srp-');
  hosts.push(other);
  const r = runTool(bin, other, ['srp', '-batch', '-import', '-xfile', xfile, 'allow_sw_mismatch=yes', 'autostart=no']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(other.guest('srp1').state, 'stopped');
  assert.match(runTool(bin, other, ['srp', '-batch', '-import', '-xfile', xfile]).stderr, /already exists/);
});

test('the corpus: -status prints a container in any state put by the test exactly as the sample row is laid out', () => {
  const sample = readFileSync(new URL('../corpus/status-maintenance.txt', import.meta.url), 'utf8');
  host.define('iisdevs1', { state: 'maintenance', rootpath: '/var/hpsrp/iisdevs1' });
  assert.equal(run(['srp', '-status', 'iisdevs1']).stdout, sample);
  for (const word of ['started', 'stopped', 'starting', 'stopping', 'frozen']) {
    host.define('iisdevs1', { state: word, rootpath: '/var/hpsrp/iisdevs1' });
    assert.equal(run(['srp', '-status', 'iisdevs1']).stdout, sample.replace('maintenance', word.padEnd(11)));
  }
});
