// Fidelity of the VBoxManage simulator: arguments, output formats, exit
// codes and machine states as the VirtualBox manual's VBoxManage chapter has them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../guest-kit/lib/fixture.mjs';

const host = SimHost.create(fileURLToPath(new URL('../bin', import.meta.url)), 'capsule-simvbox-');
const base = join(host.dir, 'VirtualBox VMs');
after(() => host.dispose());
const run = (...argv) => {
  const r = spawnSync('VBoxManage', argv, { encoding: 'utf8', env: { ...process.env, ...host.env(), DISPLAY: '' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
let n = 0;
const create = () => {
  const name = `vm${++n}`;
  assert.equal(run('createvm', '--name', name, '--basefolder', base, '--register').code, 0);
  return name;
};
const vmState = (name) => /^VMState="(.*)"$/m.exec(run('showvminfo', name, '--machinereadable').out)?.[1];

test('createvm --register, list vms, showvminfo --machinereadable by name and by UUID', () => {
  const r = run('createvm', '--name', 'web', '--basefolder', base, '--register');
  const uuid = /^UUID: (\S+)$/m.exec(r.out)[1];
  assert.equal(r.out, `Virtual machine 'web' is created and registered.\nUUID: ${uuid}\nSettings file: '${join(base, 'web/web.vbox')}'\n`);
  assert.ok(readFileSync(join(base, 'web/web.vbox'), 'utf8').includes(`<Machine uuid="{${uuid}}" name="web"`));
  assert.ok(run('list', 'vms').out.includes(`"web" {${uuid}}\n`));
  const info = run('showvminfo', uuid, '--machinereadable').out;
  for (const line of ['name="web"', `UUID="${uuid}"`, `CfgFile="${join(base, 'web/web.vbox')}"`, `SnapFldr="${join(base, 'web/Snapshots')}"`, `LogFldr="${join(base, 'web/Logs')}"`, 'VMState="poweroff"', 'memory=1024']) {
    assert.ok(info.split('\n').includes(line), line);
  }
  assert.match(run('showvminfo', 'web').out, /^State: +powered off \(since /m);
});

test('an unknown machine: the three error lines, exit 1', () => {
  assert.deepEqual(run('showvminfo', 'nosuch', '--machinereadable'), {
    code: 1,
    out: '',
    err: [
      "VBoxManage: error: Could not find a registered machine named 'nosuch'",
      'VBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports',
      'VBoxManage: error: Context: "FindMachine(Bstr(VMNameOrUuid).raw(), machine.asOutParam())" at line 2611 of file VBoxManageInfo.cpp',
      '',
    ].join('\n'),
  });
  assert.equal(run('startvm', 'nosuch').code, 1);
  assert.equal(run('bogus').code, 2);
});

test('startvm: the two progress lines, runningvms, a second start refused by the session lock; the gui type needs a display', () => {
  const name = create();
  assert.equal(run('startvm', name).code, 1);
  assert.deepEqual(run('startvm', name, '--type', 'headless'), { code: 0, out: `Waiting for VM "${name}" to power on...\nVM "${name}" has been successfully started.\n`, err: '' });
  assert.match(run('list', 'runningvms').out, new RegExp(`^"${name}" \\{[0-9a-f-]{36}\\}$`, 'm'));
  const again = run('startvm', name, '--type', 'headless');
  assert.equal(again.code, 1);
  assert.match(again.err, new RegExp(`^VBoxManage: error: The machine '${name}' is already locked for a session \\(or being unlocked\\)\\n.*VBOX_E_INVALID_OBJECT_STATE`, 's'));
  run('controlvm', name, 'poweroff');
});

test('controlvm: acpipowerbutton powers off once the guest is done, not when it ignores the button; poweroff, pause, resume, savestate', async () => {
  const name = create();
  host.flag(name, 'shutdown-delay', '1.5');
  run('startvm', name, '--type', 'headless');
  assert.deepEqual(run('controlvm', name, 'acpipowerbutton'), { code: 0, out: '', err: '' });
  assert.equal(vmState(name), 'running');
  await new Promise((r) => setTimeout(r, 1600));
  assert.equal(vmState(name), 'poweroff');
  assert.equal(run('controlvm', name, 'acpipowerbutton').err, `VBoxManage: error: Machine '${name}' is not currently running\n`);
  host.flag(name, 'ignore-shutdown');
  run('startvm', name, '--type', 'headless');
  run('controlvm', name, 'acpipowerbutton');
  await new Promise((r) => setTimeout(r, 1600));
  assert.equal(vmState(name), 'running');
  assert.equal(run('controlvm', name, 'pause').code, 0);
  assert.equal(vmState(name), 'paused');
  assert.equal(run('controlvm', name, 'resume').code, 0);
  const off = run('controlvm', name, 'poweroff');
  assert.deepEqual([off.code, off.err], [0, '0%...10%...20%...30%...40%...50%...60%...70%...80%...90%...100%\n']);
  assert.equal(vmState(name), 'poweroff');
});

test('boot and halt hooks run with the machine; faults in VBoxManage words', () => {
  const name = create();
  const marks = join(host.dir, `${name}.marks`);
  host.hook('boot', `#!/bin/sh\necho "boot $1" >> ${marks}\n`, name);
  host.hook('halt', `#!/bin/sh\necho "halt $1" >> ${marks}\n`, name);
  host.fault('startvm', 'busy once', name);
  assert.match(run('startvm', name, '--type', 'headless').err, /already locked for a session/);
  assert.equal(existsSync(marks), false);
  run('startvm', name, '--type', 'headless');
  run('controlvm', name, 'poweroff');
  assert.equal(readFileSync(marks, 'utf8'), `boot ${name}\nhalt ${name}\n`);
  host.fault('startvm', 'denied', name);
  assert.match(run('startvm', name, '--type', 'headless').err, /terminated unexpectedly during startup with exit code 1 \(0x1\)/);
});

test('registervm of a settings file from another host; unregistervm refuses a running machine', () => {
  const name = create();
  const file = join(base, name, `${name}.vbox`);
  const uuid = /^UUID="(.*)"$/m.exec(run('showvminfo', name, '--machinereadable').out)[1];
  assert.equal(run('registervm', file).err, `VBoxManage: error: Cannot register the VM '${name}' {${uuid}} because a VM with UUID {${uuid}} already exists\n`);
  run('startvm', name, '--type', 'headless');
  assert.equal(run('unregistervm', name).code, 1);
  run('controlvm', name, 'poweroff');
  assert.equal(run('unregistervm', name).code, 0);
  assert.equal(run('registervm', file).code, 0);
  assert.equal(/^UUID="(.*)"$/m.exec(run('showvminfo', name, '--machinereadable').out)[1], uuid);
});

test('teleport: the target waits in teleportingin until the source sends its state; the source is left teleported, the guest is not halted', async () => {
  const peer = SimHost.create(host.binDir, 'capsule-simvbox-peer-');
  try {
    host.peer('hv2', peer);
    const name = create();
    const marks = join(host.dir, `${name}.marks`);
    host.hook('halt', `#!/bin/sh\necho "halt $1" >> ${marks}\n`, name);
    const there = (...argv) => spawnSync('VBoxManage', argv, { encoding: 'utf8', env: { ...process.env, ...peer.env() } });
    assert.equal(there('registervm', join(base, name, `${name}.vbox`)).status, 0);
    run('startvm', name, '--type', 'headless');
    assert.equal(run('controlvm', name, 'teleport', '--host', 'hv2', '--port', '6000').err.split('\n')[0], "VBoxManage: error: Teleporter: Failed to connect to port 6000 on 'hv2' (VERR_NET_CONNECTION_REFUSED)");
    assert.equal(there('modifyvm', name, '--teleporter', 'on', '--teleporterport', '6000').status, 0);
    const { spawn } = await import('node:child_process');
    const target = spawn('VBoxManage', ['startvm', name, '--type', 'headless'], { env: { ...process.env, ...peer.env() } });
    let out = '';
    target.stdout.on('data', (b) => (out += b));
    const exited = new Promise((r) => target.on('exit', r));
    for (let i = 0; i < 50 && !/VMState="teleportingin"/.test(there('showvminfo', name, '--machinereadable').stdout); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(there('showvminfo', name, '--machinereadable').stdout, /^teleporterenabled="on"\nteleporterport=6000$/m);
    assert.equal(run('modifyvm', name, '--teleporter', 'on').code, 1);
    assert.equal(run('controlvm', name, 'teleport', '--host', 'hv2', '--port', '6000').code, 0);
    assert.equal(await exited, 0);
    assert.equal(out, `Waiting for VM "${name}" to power on...\nVM "${name}" has been successfully started.\n`);
    assert.equal(vmState(name), 'teleported');
    assert.match(there('showvminfo', name, '--machinereadable').stdout, /^VMState="running"$/m);
    assert.equal(existsSync(marks), false);
  } finally {
    peer.dispose();
  }
});

const corpus = (f) => readFileSync(new URL(`../corpus/${f}`, import.meta.url), 'utf8');

test('every state of the corpus is reachable and printed exactly as the corpus has it, machine-readable and human', () => {
  const name = create();
  const human = corpus('vmstates-human.txt').trimEnd().split('\n');
  const words = corpus('vmstates.txt').trimEnd().split('\n');
  assert.equal(words.length, 25);
  for (const line of words) {
    const word = /^VMState="(.*)"$/.exec(line)[1];
    host.patchGuest(name, { state: word });
    assert.ok(run('showvminfo', name, '--machinereadable').out.split('\n').includes(line), line);
    const state = run('showvminfo', name).out.split('\n').find((l) => l.startsWith('State:'));
    // The corpus line with this machine's time: the same words, the same columns.
    const sample = human.find((h) => h.replace(/\(since .*\)$/, '') === state.replace(/\(since .*\)$/, ''));
    if (word === 'faulttolerantsyncing') assert.equal(sample, undefined);
    else assert.match(state, /^State: {23}.+ \(since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z\)$/, word), assert.ok(sample, state);
  }
  host.patchGuest(name, { state: 'poweroff' });
});

test('a machine in a state with a VM process (gurumeditation, teleportingin...) is powered off, listed as running, locked for startvm', () => {
  const name = create();
  host.patchGuest(name, { state: 'gurumeditation' });
  assert.match(run('list', 'runningvms').out, new RegExp(`^"${name}" `, 'm'));
  assert.match(run('startvm', name, '--type', 'headless').err, /already locked for a session/);
  assert.equal(run('controlvm', name, 'poweroff').code, 0);
  assert.equal(vmState(name), 'poweroff');
  host.patchGuest(name, { state: 'aborted' });
  assert.equal(run('controlvm', name, 'poweroff').err, `VBoxManage: error: Machine '${name}' is not currently running\n`);
});

test('the not-found error is the corpus sample; strings are escaped as outputMachineReadableString escapes them', () => {
  assert.equal(run('showvminfo', 'vm0', '--machinereadable').err, corpus('showvminfo-not-found.txt').replace("'vm1'", "'vm0'"));
  const name = create();
  host.patchGuest(name, { cfgFile: 'C:\\Users\\admin\\VirtualBox VMs\\web\\web.vbox' });
  const cfg = run('showvminfo', name, '--machinereadable').out.split('\n').find((l) => l.startsWith('CfgFile='));
  assert.equal(cfg, corpus('showvminfo-escaped.txt').split('\n').find((l) => l.startsWith('CfgFile=')));
});
