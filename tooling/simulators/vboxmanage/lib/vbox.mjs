// VirtualBox machines as VBoxManage shows them: records with the machine
// state (poweroff, running, paused, saved, aborted, stopping...), the
// settings file written as VirtualBox writes it, and the error blocks
// VBoxManage prints (`VBoxManage: error: ...`, Details, Context).
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { die, guestNames, load } from '../../guest-kit/lib/state.mjs';

export const VERSION = '7.0.20r163906';

// What VBoxManage prints is read from the corpus of its real output (corpus/README.md has the sources).
const corpus = (f) => readFileSync(new URL(`../corpus/${f}`, import.meta.url), 'utf8');
const lines = (f) => corpus(f).trimEnd().split('\n');

/** Every VMState word VBoxManage prints, as `showvminfo --machinereadable` prints it. */
export const VMSTATES = lines('vmstates.txt').map((l) => /^VMState="(.*)"$/.exec(l)[1]);

/**
 * The human words of the same states (`State:` of showvminfo), in the same
 * order; faulttolerantsyncing, of older VirtualBox only, has no human form
 * in the sources the corpus names.
 */
const HUMAN = Object.fromEntries(
  VMSTATES.filter((w) => w !== 'faulttolerantsyncing').map((w, i) => [w, /^State: +(.*) \(since .*\)$/.exec(lines('vmstates-human.txt')[i])[1]]),
);

/**
 * The states with a VM process (MachineState_FirstOnline, running, to
 * LastOnline, onlinesnapshotting): the corpus lists them in the enum's order.
 */
export const ONLINE = VMSTATES.slice(VMSTATES.indexOf('running'), VMSTATES.indexOf('onlinesnapshotting') + 1);

/** A machine by name or UUID, as every VBoxManage command takes it. */
export function findVm(dir, key) {
  const byName = load(dir, key);
  if (byName) return byName;
  return guestNames(dir)
    .map((n) => load(dir, n))
    .find((m) => m?.uuid === key);
}

export function allVms(dir) {
  return guestNames(dir)
    .map((n) => load(dir, n))
    .filter(Boolean);
}

export function notFound(key) {
  const [first, ...rest] = lines('showvminfo-not-found.txt');
  die(1, first.replace("'vm1'", `'${key}'`), ...rest);
}

/** The session lock another process holds (the GUI editing settings, a running VM): VBOX_E_INVALID_OBJECT_STATE. */
export function sessionLocked(name, context) {
  die(
    1,
    `VBoxManage: error: The machine '${name}' is already locked for a session (or being unlocked)`,
    'VBoxManage: error: Details: code VBOX_E_INVALID_OBJECT_STATE (0x80bb0007), component MachineWrap, interface IMachine, callee nsISupports',
    `VBoxManage: error: Context: "${context}" at line 881 of file VBoxManageMisc.cpp`,
  );
}

export function newVm(name, baseFolder) {
  const dir = join(baseFolder, name);
  const vm = { name, uuid: randomUUID(), state: 'poweroff', changedAt: new Date().toISOString(), cfgFile: join(dir, `${name}.vbox`), snapFldr: join(dir, 'Snapshots'), logFldr: join(dir, 'Logs') };
  mkdirSync(vm.logFldr, { recursive: true });
  writeFileSync(
    vm.cfgFile,
    `<?xml version="1.0"?>\n<VirtualBox xmlns="http://www.virtualbox.org/" version="1.19-linux">\n  <Machine uuid="{${vm.uuid}}" name="${name}" OSType="Linux_64" snapshotFolder="Snapshots">\n    <Hardware>\n      <Memory RAMSize="1024"/>\n    </Hardware>\n  </Machine>\n</VirtualBox>\n`,
  );
  return vm;
}

/** `showvminfo --machinereadable`: key="value" lines, strings quoted, numbers bare. */
export function machineReadable(vm) {
  // outputMachineReadableString: `"` and `\` escaped with `\`.
  const q = (v) => String(v).replace(/[\\"]/g, '\\$&');
  const lines = [
    `name="${q(vm.name)}"`,
    'groups="/"',
    'ostype="Linux_64"',
    `UUID="${vm.uuid}"`,
    `CfgFile="${q(vm.cfgFile)}"`,
    `SnapFldr="${q(vm.snapFldr)}"`,
    `LogFldr="${q(vm.logFldr)}"`,
    'memory=1024',
    'cpus=1',
    `VMState="${vm.state}"`,
    `VMStateChangeTime="${timeSpec(vm.changedAt)}"`,
    `teleporterenabled="${vm.teleporter?.enabled ? 'on' : 'off'}"`,
    `teleporterport=${vm.teleporter?.port ?? 0}`,
    `teleporteraddress="${vm.teleporter?.address ?? ''}"`,
  ];
  return `${lines.join('\n')}\n`;
}

/** RTTimeSpecToString: nanoseconds, a Z. */
const timeSpec = (iso) => iso.replace(/\.(\d{3})Z$/, '.$1000000Z');

/** `showvminfo` without --machinereadable: `%-28s %s (since %s)`. */
export function humanReadable(vm) {
  const row = (k, v) => `${k.padEnd(28)} ${v}`;
  return [row('Name:', vm.name), row('Guest OS:', 'Linux 64-bit'), row('UUID:', vm.uuid), row('Config file:', vm.cfgFile), row('State:', `${HUMAN[vm.state] ?? vm.state} (since ${timeSpec(vm.changedAt)})`), ''].join('\n');
}
