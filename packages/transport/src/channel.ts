// The one guest channel: how the engine runs a command in a guest, built
// from what the container driver declares. No driver writes its own
// exec-into-guest; transport-level failures are mapped here, once.
import { CapsuleError, type Exec, type GuestChannel } from '@capsule/core';
import { qgaExec } from './qga/exec.js';
import type { SshSessions } from './ssh/sessions.js';

/**
 * An Exec into the guest. `host` runs commands on the hypervisor (already
 * bound to the action's abort signal). A native channel prefixes argv; a
 * qga channel runs virsh on the host; an ssh channel goes through the
 * node's ssh sessions.
 */
export function guestExec(channel: GuestChannel, host: Exec, ssh?: SshSessions): Exec {
  if (channel.kind === 'native') {
    const prefix = [...channel.prefix];
    return (argv, o) => host([...prefix, ...argv], o);
  }
  if (channel.kind === 'qga') return qgaExec({ uri: channel.uri, domain: channel.domain }, host);
  if (!ssh) {
    return () =>
      Promise.reject(
        new CapsuleError('TransportUnavailable', `cannot reach ${channel.user}@${channel.host}:${channel.port}: no ssh settings were given to this command`, {
          hint: 'this is a bug in the caller: report it',
        }),
      );
  }
  return ssh.exec({ host: channel.host, port: channel.port, user: channel.user, ...(channel.knownHosts ? { knownHosts: channel.knownHosts } : {}) });
}
