// Live migration of a VirtualBox machine: teleporting. The same machine
// (same UUID, its settings file replicated and registered on the peer)
// waits on the peer as a teleporter target; the running machine here sends
// its state there and powers off here, its guest running on without a
// reboot. The destination is node.conf [driver.vbox] teleport_host (%n is
// the peer's node name, the default) and teleport_port (default 6000).
import { CapsuleError, ErrorCode, type ContainerContext, type ExecResult, type MigrationDestination } from '@capsule/core';
import { waitFor } from '@capsule/driver-kit';
import type { VboxContainer } from './container.js';
import { canReceiveTeleport } from './state.js';

export interface TeleportTarget {
  host: string;
  port: string;
  /** How long the peer may take to be ready to receive. */
  timeoutS: number;
}

export async function teleportPrecheck(vm: VboxContainer, ctx: ContainerContext, to: MigrationDestination): Promise<void> {
  const name = vm.label();
  if ((await vm.state(ctx)) !== 'running') {
    throw new CapsuleError(ErrorCode.MigrationUnsupported, `${vm.rid}: machine ${name} is not running here: nothing to teleport`, { hint: 'use switch to move a stopped service' });
  }
  const there = await vm.info(to);
  if (!there) {
    throw new CapsuleError(ErrorCode.ContainerNotFound, `${vm.rid}: VirtualBox on ${to.node} has no machine ${name} to teleport to`, {
      hint: `register it there first (VBoxManage registervm ${vm.settingsCopy} on ${to.node})`,
      details: { rid: vm.rid, node: to.node },
    });
  }
  if (!canReceiveTeleport(there['VMState'])) {
    throw new CapsuleError(ErrorCode.GuestRunningElsewhere, `${vm.rid}: machine ${name} is ${there['VMState']} on ${to.node}`, { hint: `power it off there first`, details: { rid: vm.rid, node: to.node } });
  }
}

export async function teleport(vm: VboxContainer, ctx: ContainerContext, to: MigrationDestination, t: TeleportTarget): Promise<void> {
  const name = vm.label();
  ctx.log.info(`VBoxManage controlvm ${name} teleport --host ${t.host} --port ${t.port}`);
  if (ctx.dryRun) return;
  const armed = await vm.vboxmanage(to, ['modifyvm', name, '--teleporter', 'on', '--teleporterport', t.port]);
  if (armed.code !== 0) throw vm.failed(`VBoxManage modifyvm --teleporter on (on ${to.node})`, armed);
  // The target's startvm returns only when the teleport has arrived: started now, awaited after.
  const target = vm.vboxmanage(to, ['startvm', name, '--type', 'headless']).catch((e: Error): ExecResult => ({ code: -1, stdout: '', stderr: e.message }));
  const waiting = await waitFor(ctx, t.timeoutS, async () => (await vm.state(to)) === 'teleportingin');
  if (!waiting) {
    await vm.vboxmanage(to, ['controlvm', name, 'poweroff']);
    throw vm.failed(`VBoxManage startvm (teleporter target on ${to.node})`, await target);
  }
  const sent = await vm.vboxmanage(ctx, ['controlvm', name, 'teleport', '--host', t.host, '--port', t.port]);
  if (sent.code !== 0) {
    // The machine still runs here; the target stops waiting.
    await vm.vboxmanage(to, ['controlvm', name, 'poweroff']);
    await target;
    throw vm.failed(`VBoxManage controlvm teleport to ${to.node}`, sent);
  }
  const arrived = await target;
  if (arrived.code !== 0) throw vm.failed(`VBoxManage startvm (teleporter target on ${to.node})`, arrived);
}
