// The one guest channel: how the engine runs a command in a guest, built
// from what the container driver declares. No driver writes its own
// exec-into-guest; transport-level failures are mapped here, once.
import { CapsuleError, type Exec, type GuestChannel } from '@capsule/core';

/**
 * An Exec into the guest. `host` runs commands on the hypervisor (already
 * bound to the action's abort signal). A native channel prefixes argv; an
 * ssh channel needs the ssh2 transport.
 */
export function guestExec(channel: GuestChannel, host: Exec): Exec {
  if (channel.kind === 'native') {
    const prefix = [...channel.prefix];
    return (argv, o) => host([...prefix, ...argv], o);
  }
  return () =>
    Promise.reject(
      new CapsuleError('TransportUnavailable', `cannot reach ${channel.user}@${channel.host}:${channel.port}: this build has no ssh transport yet`, {
        hint: 'use a container driver with a native guest channel, or a build with the ssh2 transport',
      }),
    );
}
