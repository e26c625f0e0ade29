// Fidelity of the zones simulator: arguments, output formats, exit codes and
// state transitions as zoneadm(8), zonecfg(8), zlogin(1) and svcs(1) have them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../guest-kit/lib/fixture.mjs';

const host = SimHost.create(fileURLToPath(new URL('../bin', import.meta.url)), 'capsule-simzones-');
after(() => host.dispose());
const run = (...argv) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...host.env() } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
let n = 0;
function installed() {
  const name = `z${++n}`;
  const zonepath = mkdtempSync(join(host.dir, 'zonepath-'));
  assert.equal(run('zonecfg', '-z', name, `create -b; set zonepath=${zonepath}`).code, 0);
  assert.equal(run('zoneadm', '-z', name, 'install').code, 0);
  return { name, zonepath };
}
const field = (name, i) => run('zoneadm', '-z', name, 'list', '-p').out.trim().split(':')[i];

test('an unknown zone: zoneadm, zonecfg and zlogin say so and exit 1', () => {
  assert.deepEqual(run('zoneadm', '-z', 'nosuch', 'list', '-p'), { code: 1, out: '', err: 'zoneadm: nosuch: No such zone configured\n' });
  assert.deepEqual(run('zoneadm', '-z', 'nosuch', 'boot'), { code: 1, out: '', err: 'zoneadm: nosuch: No such zone configured\n' });
  assert.equal(run('zonecfg', '-z', 'nosuch', 'export').err, "nosuch: No such zone configured\nUse 'create' to begin configuring a new zone.\n");
  assert.equal(run('zlogin', 'nosuch', 'true').code, 1);
});

test('list -p: 7 colon-separated fields, the global zone first, only running zones without -c or -i', () => {
  const { name, zonepath } = installed();
  assert.match(run('zoneadm', '-z', name, 'list', '-p').out, new RegExp(`^-:${name}:installed:${zonepath}:[0-9a-f-]{36}:ipkg:shared\\n$`));
  assert.equal(run('zoneadm', 'list', '-p').out.split('\n')[0], '0:global:running:/::ipkg:shared');
  assert.ok(!run('zoneadm', 'list', '-p').out.includes(`:${name}:`));
  assert.ok(run('zoneadm', 'list', '-cp').out.includes(`:${name}:installed:`));
  assert.equal(run('zoneadm', 'list', '-x').code, 2);
});

test('boot, the state checks of zoneadm, halt', () => {
  const { name } = installed();
  assert.deepEqual(run('zoneadm', '-z', name, 'boot'), { code: 0, out: '', err: '' });
  assert.equal(field(name, 2), 'running');
  assert.match(field(name, 0), /^\d+$/);
  assert.deepEqual(run('zoneadm', '-z', name, 'boot'), { code: 1, out: '', err: `zoneadm: zone '${name}': boot operation is invalid for running zones.\n` });
  assert.equal(run('zoneadm', '-z', name, 'detach').err, `zoneadm: zone '${name}': detach operation is invalid for running zones.\n`);
  assert.equal(run('zoneadm', '-z', name, 'halt').code, 0);
  assert.equal(field(name, 2), 'installed');
  assert.equal(run('zoneadm', '-z', name, 'shutdown').err, `zoneadm: zone '${name}': not running\n`);
  assert.equal(run('zoneadm', '-z', name, 'detach').code, 0);
  assert.equal(run('zoneadm', '-z', name, 'boot').err, `zoneadm: zone '${name}': must be installed before boot.\n`);
  assert.equal(run('zoneadm', '-z', name, 'attach').code, 0);
  assert.equal(run('zoneadm', '-z', name, 'attach').err, `zoneadm: zone '${name}': is already installed.\n`);
});

test('shutdown: shutting_down, then installed once init 0 is done; a zone that ignores it keeps running', async () => {
  const { name } = installed();
  host.flag(name, 'shutdown-delay', '2');
  run('zoneadm', '-z', name, 'boot');
  assert.equal(run('zoneadm', '-z', name, 'shutdown').code, 0);
  assert.equal(field(name, 2), 'shutting_down');
  await new Promise((r) => setTimeout(r, 2100));
  assert.equal(field(name, 2), 'installed');
  host.flag(name, 'ignore-shutdown');
  run('zoneadm', '-z', name, 'boot');
  assert.equal(run('zoneadm', '-z', name, 'shutdown').code, 0);
  await new Promise((r) => setTimeout(r, 2100));
  assert.equal(field(name, 2), 'running');
  run('zoneadm', '-z', name, 'halt');
});

test('zlogin: only running zones; the arguments joined into one shell command line; exit status, stdin, the zone root and name', () => {
  const { name, zonepath } = installed();
  assert.deepEqual(run('zlogin', name, 'true'), { code: 1, out: '', err: `zlogin: login allowed only to running zones (${name} is 'installed').\n` });
  run('zoneadm', '-z', name, 'boot');
  // Joined with spaces, split again by the zone's shell: two spaces in one argument do not survive.
  assert.equal(run('zlogin', '-S', name, 'echo', 'a  b').out, 'a b\n');
  assert.equal(run('zlogin', name, 'echo $CAPSULE_ROOT $CAPSULE_NODENAME; pwd; exit 7').out, `${zonepath}/root ${name}\n${zonepath}/root\n`);
  assert.equal(run('zlogin', name, 'exit 7').code, 7);
  const r = spawnSync('zlogin', [name, 'cat'], { input: 'in\n', encoding: 'utf8', env: { ...process.env, ...host.env() } });
  assert.equal(r.stdout, 'in\n');
  run('zoneadm', '-z', name, 'halt');
});

test('svcs in the zone: the milestones come online after the boot, never for a zone whose services hang', async () => {
  const { name } = installed();
  host.flag(name, 'boot-delay', '3');
  run('zoneadm', '-z', name, 'boot');
  const milestone = () => run('zlogin', name, 'svcs -H -o state svc:/milestone/multi-user-server:default');
  assert.deepEqual(milestone(), { code: 0, out: 'offline\n', err: '' });
  await new Promise((r) => setTimeout(r, 3100));
  assert.equal(milestone().out, 'online\n');
  assert.equal(run('zlogin', name, 'svcs -H -o state svc:/no/such').err, "svcs: Pattern 'svc:/no/such' doesn't match any instances\n");
  host.flag(name, 'never-ready');
  assert.equal(milestone().out, 'offline\n');
  run('zoneadm', '-z', name, 'halt');
});

test('zonecfg: export, configure from the exported file, delete -F only for a configured zone', () => {
  const { name, zonepath } = installed();
  assert.equal(run('zonecfg', '-z', name, 'add net; set physical=net0; end').code, 0);
  const exported = run('zonecfg', '-z', name, 'export').out;
  assert.equal(exported, `create -b\nset brand=ipkg\nset ip-type=shared\nset autoboot=false\nset zonepath=${zonepath}\nadd net\nset physical=net0\nend\n`);
  assert.equal(run('zonecfg', '-z', name, 'info', 'zonepath').out, `zonepath: ${zonepath}\n`);
  assert.equal(run('zonecfg', '-z', name, 'delete', '-F').err, `Zone ${name} is in the installed state; delete not allowed.\n`);
  run('zoneadm', '-z', name, 'detach');
  assert.equal(run('zonecfg', '-z', name, 'export', '-f', join(zonepath, 'z.cfg')).code, 0);
  assert.equal(run('zonecfg', '-z', name, 'delete', '-F').code, 0);
  assert.equal(run('zoneadm', '-z', name, 'list', '-p').code, 1);
  assert.equal(run('zonecfg', '-z', name, '-f', join(zonepath, 'z.cfg')).code, 0);
  assert.equal(run('zonecfg', '-z', name, 'export').out, exported);
  assert.equal(field(name, 2), 'configured');
});

test('faults: busy and denied in zoneadm words, slow delays the call, once is consumed', () => {
  const { name } = installed();
  host.fault('boot', 'busy once', name);
  assert.deepEqual(run('zoneadm', '-z', name, 'boot'), { code: 1, out: '', err: `zoneadm: zone '${name}': could not get lock on zone: Resource temporarily unavailable\n` });
  host.fault('boot', 'denied', name);
  assert.equal(run('zoneadm', '-z', name, 'boot').err, `zoneadm: zone '${name}': only a privileged user may boot a zone.\n`);
  host.fault('boot', 'slow 1', name);
  const t0 = Date.now();
  assert.equal(run('zoneadm', '-z', name, 'boot').code, 0);
  assert.ok(Date.now() - t0 >= 1000);
  host.clearFault('boot', name);
  run('zoneadm', '-z', name, 'halt');
  assert.ok(host.calls().includes(`zoneadm -z ${name} boot`));
});

test('migrate: kernel zones only; -n is a dry run; live moves the running zone to the host peers/HOST names and detaches it here', () => {
  const peer = SimHost.create(host.binDir, 'capsule-simzones-peer-');
  try {
    host.peer('hv2', peer);
    const there = (...argv) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...peer.env() } });
    const { name } = installed();
    assert.equal(run('zoneadm', '-z', name, 'migrate', 'ssh://hv2').err, `zoneadm: zone '${name}': migrate operation is invalid for brand 'ipkg'.\n`);
    const zonepath = mkdtempSync(join(host.dir, 'zonepath-'));
    const kz = `kz${++n}`;
    run('zonecfg', '-z', kz, `create -t SYSsolaris-kz; set zonepath=${zonepath}`);
    run('zoneadm', '-z', kz, 'install');
    run('zoneadm', '-z', kz, 'boot');
    assert.equal(run('zoneadm', '-z', kz, 'migrate', 'ssh://root@hv3').err, `zoneadm: zone '${kz}': Failed to connect to ssh://root@hv3: Connection refused\n`);
    const say = (...m) => m.map((x) => `zoneadm: zone '${kz}': ${x}\n`).join('');
    assert.deepEqual(run('zoneadm', '-z', kz, 'migrate', '-n', 'ssh://root@hv2'), { code: 0, out: say('Importing zone configuration.', 'Attaching zone.', 'Dry-run migration successful.', 'Cleaning up.'), err: '' });
    assert.equal(there('zoneadm', '-z', kz, 'list', '-p').status, 1);
    assert.equal(
      run('zoneadm', '-z', kz, 'migrate', '-t', 'live', 'ssh://hv2').out,
      say('Importing zone configuration.', 'Attaching zone.', "Booting zone in 'migrating-in' mode.", 'Checking migration compatibility.', 'Starting migration.', 'Migration successful.', 'Halting and detaching zone on source host.'),
    );
    assert.equal(field(kz, 2), 'configured');
    assert.equal(there('zoneadm', '-z', kz, 'list', '-p').stdout.split(':')[2], 'running');
    assert.equal(there('zlogin', kz, 'svcs -H -o state multi-user-server').stdout, 'online\n');
  } finally {
    peer.dispose();
  }
});
