// VirtualBox machines as VBoxManage shows them: records with the machine
// state (poweroff, running, paused, saved, aborted, stopping...), the
// settings file written as VirtualBox writes it, and the error blocks
// VBoxManage prints (`VBoxManage: error: ...`, Details, Context).
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { die, guestNames, load } from '../../guest-kit/lib/state.mjs';

export const VERSION = '7.0.20r163906';

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
  die(
    1,
    `VBoxManage: error: Could not find a registered machine named '${key}'`,
    'VBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001), component VirtualBoxWrap, interface IVirtualBox, callee nsISupports',
    'VBoxManage: error: Context: "FindMachine(Bstr(VMNameOrUuid).raw(), machine.asOutParam())" at line 2611 of file VBoxManageInfo.cpp',
  );
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
  const lines = [
    `name="${vm.name}"`,
    'groups="/"',
    'ostype="Linux_64"',
    `UUID="${vm.uuid}"`,
    `CfgFile="${vm.cfgFile}"`,
    `SnapFldr="${vm.snapFldr}"`,
    `LogFldr="${vm.logFldr}"`,
    'memory=1024',
    'cpus=1',
    `VMState="${vm.state}"`,
    `VMStateChangeTime="${vm.changedAt.replace('Z', '000000')}"`,
    `teleporterenabled="${vm.teleporter?.enabled ? 'on' : 'off'}"`,
    `teleporterport=${vm.teleporter?.port ?? 0}`,
    `teleporteraddress="${vm.teleporter?.address ?? ''}"`,
  ];
  return `${lines.join('\n')}\n`;
}

const HUMAN = { poweroff: 'powered off', running: 'running', paused: 'paused', saved: 'saved', aborted: 'aborted', stopping: 'stopping', starting: 'starting' };

export function humanReadable(vm) {
  return [`Name:                        ${vm.name}`, 'Guest OS:                    Linux 64-bit', `UUID:                        ${vm.uuid}`, `Config file:                 ${vm.cfgFile}`, `State:                       ${HUMAN[vm.state] ?? vm.state} (since ${vm.changedAt})`, ''].join('\n');
}
