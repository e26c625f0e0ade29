// hpvmstart/hpvmstop/hpvmstatus/hpvmmigrate: arguments, output formats,
// exit codes and the faults a test injects.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../remote-kit/lib/fixture.mjs';
import { runTool } from '../../remote-kit/lib/run.mjs';

const bin = fileURLToPath(new URL('../bin', import.meta.url));
const hosts = [];
let host;
const run = (argv, o) => runTool(bin, host, argv, o);
beforeEach(() => {
  host = SimHost.create('capsule-sim-hpvm-');
  hosts.push(host);
  host.define('vm1', { state: 'Off', number: 3, graceful_timeout: 1 });
});
after(() => hosts.forEach((h) => h.dispose()));

const field = (line, i) => line.trim().split(':')[i];

test('start, the -M line (field 10 On/Off, 11 boot), graceful stop', () => {
  assert.equal(field(run(['hpvmstatus', '-M', '-P', 'vm1']).stdout, 10), 'Off');
  const s = run(['hpvmstart', '-P', 'vm1']);
  assert.equal(s.code, 0, s.stderr);
  assert.match(s.stdout, /Starting guest 'vm1'/);
  const m = run(['hpvmstatus', '-M', '-P', 'vm1']).stdout;
  assert.deepEqual([field(m, 0), field(m, 1), field(m, 10), field(m, 11)], ['vm1', '3', 'On', 'Manual']);
  assert.equal(run(['hpvmstop', '-g', '-F', '-P', 'vm1']).code, 0);
  assert.equal(field(run(['hpvmstatus', '-M', '-P', 'vm1']).stdout, 10), 'Off');
  assert.deepEqual(host.calls(), ['hpvmstatus -M -P vm1', 'hpvmstart -P vm1', 'hpvmstatus -M -P vm1', 'hpvmstop -g -F -P vm1', 'hpvmstatus -M -P vm1']);
});

test('refusals: unknown guest, already running, not running, usage', () => {
  const table = [
    [['hpvmstatus', '-M', '-P', 'nope'], 1, /Unable to find guest 'nope'/],
    [['hpvmstart', '-P', 'nope'], 1, /Unable to find guest 'nope'/],
    [['hpvmstop', '-F', '-P', 'vm1'], 1, /Guest 'vm1' is not running/],
    [['hpvmstart'], 2, /usage: hpvmstart/],
    [['hpvmstop', '-x', '-P', 'vm1'], 2, /usage: hpvmstop/],
  ];
  for (const [argv, code, err] of table) {
    const r = run(argv);
    assert.equal(r.code, code, argv.join(' '));
    assert.match(r.stderr, err);
  }
  run(['hpvmstart', '-P', 'vm1']);
  assert.match(run(['hpvmstart', '-P', 'vm1']).stderr, /already running/);
});

test('without -F or -q hpvmstop asks, and an empty answer aborts', () => {
  run(['hpvmstart', '-P', 'vm1']);
  const r = run(['hpvmstop', '-P', 'vm1'], { input: '' });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /Stop the virtual machine 'vm1'\? \[n\/y\]/);
  assert.match(r.stderr, /Operation aborted/);
  assert.equal(run(['hpvmstop', '-P', 'vm1'], { input: 'y\n' }).code, 0);
});

test('a guest that ignores shutdown: -g times out, -F without -g powers it off', () => {
  host.fault('ignore-shutdown', '', 'vm1');
  run(['hpvmstart', '-P', 'vm1']);
  const t0 = Date.now();
  const g = run(['hpvmstop', '-g', '-F', '-P', 'vm1']);
  assert.equal(g.code, 1);
  assert.match(g.stderr, /Graceful stop of guest 'vm1' timed out/);
  assert.ok(Date.now() - t0 >= 1000);
  assert.equal(field(run(['hpvmstatus', '-M', '-P', 'vm1']).stdout, 10), 'On');
  assert.equal(run(['hpvmstop', '-F', '-P', 'vm1']).code, 0);
  assert.equal(field(run(['hpvmstatus', '-M', '-P', 'vm1']).stdout, 10), 'Off');
});

test('busy, permission denied, slow', () => {
  host.fault('busy', '', 'vm1');
  assert.match(run(['hpvmstart', '-P', 'vm1']).stderr, /another command is in progress/);
  host.clearFault('busy', 'vm1');
  host.fault('denied');
  const d = run(['hpvmstart', '-P', 'vm1']);
  assert.deepEqual([d.code, d.stderr.trim()], [1, 'hpvmstart: You must be superuser to run this command.']);
  host.clearFault('denied');
  host.fault('slow', '1');
  const t0 = Date.now();
  assert.equal(run(['hpvmstart', '-P', 'vm1']).code, 0);
  assert.ok(Date.now() - t0 >= 1000);
});

test('boot and halt hooks run with the guest name; a failing boot hook leaves the guest off', () => {
  host.hook('boot', `echo "boot $1" >> ${host.dir}/hooks.log`);
  host.hook('halt', `echo "halt $1" >> ${host.dir}/hooks.log`);
  run(['hpvmstart', '-P', 'vm1']);
  run(['hpvmstop', '-F', '-P', 'vm1']);
  assert.deepEqual(runTool(bin, host, ['cat', `${host.dir}/hooks.log`]).stdout, 'boot vm1\nhalt vm1\n');
  host.hook('boot', 'echo no network >&2; exit 3');
  const r = run(['hpvmstart', '-P', 'vm1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Unable to start guest 'vm1': no network/);
  assert.equal(field(run(['hpvmstatus', '-M', '-P', 'vm1']).stdout, 10), 'Off');
});

test('online migration: the guest runs on the peer, here it stays registered but not runnable', () => {
  const peer = SimHost.create('capsule-sim-hpvm-');
  hosts.push(peer);
  host.peer('hv2', peer);
  assert.match(run(['hpvmmigrate', '-o', '-P', 'vm1', '-h', 'hv2']).stderr, /not running: online migration/);
  run(['hpvmstart', '-P', 'vm1']);
  assert.match(run(['hpvmmigrate', '-o', '-P', 'vm1', '-h', 'nohost']).stderr, /Unable to connect to target VM Host 'nohost'/);
  assert.equal(run(['hpvmmigrate', '-o', '-P', 'vm1', '-h', 'hv2']).code, 0);
  assert.equal(peer.guest('vm1').state, 'On');
  assert.equal(field(run(['hpvmstatus', '-M', '-P', 'vm1']).stdout, 10), 'Off');
  assert.match(run(['hpvmstart', '-P', 'vm1']).stderr, /not runnable on this VM Host/);
});

test('the corpus: the -M line has the fields the sources read at their positions, the run state as put', () => {
  const fields = readFileSync(new URL('../corpus/status-M-fields.txt', import.meta.url), 'utf8').split('\n').filter((l) => /^\d/.test(l)).map((l) => l.split(' '));
  host.define('vm_name', { state: 'On', boot: 'Manual', vcpus: 2, memory: '4GB' });
  const on = run(['hpvmstatus', '-M', '-P', 'vm_name']).stdout.trim().split(':');
  host.define('vm_name', { state: 'Off', boot: 'Auto', vcpus: 2, memory: '4GB' });
  const off = run(['hpvmstatus', '-M', '-P', 'vm_name']).stdout.trim().split(':');
  for (const [i, word] of fields) {
    const n = Number(i);
    assert.ok([on[n], off[n]].map((f) => (n >= 19 ? `${f.split(';')[0]};` : f)).includes(word), `field ${n}: ${word}`);
  }
  // A run state the test puts is printed as is in field 10 (a word the driver may not know).
  host.define('vm_name', { state: 'Crash' });
  assert.equal(field(run(['hpvmstatus', '-M', '-P', 'vm_name']).stdout, 10), 'Crash');
});

test('a VM Host without guests says so in the corpus words', () => {
  const empty = SimHost.create('capsule-sim-hpvm-');
  hosts.push(empty);
  assert.equal(runTool(bin, empty, ['hpvmstatus']).stdout, 'No vPars or VMs currently configured\n');
});
