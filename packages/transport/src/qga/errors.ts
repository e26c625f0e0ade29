// What a failed `virsh qemu-agent-command` means, as a named error: virsh
// says it in words on stderr (its exit code is 1 for everything), so the
// words are matched here, once.
import { CapsuleError, type ExecResult } from '@capsule/core';

export interface QgaTarget {
  uri: string;
  domain: string;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.replace(/^error: /, '') ?? '';
}

/** The agent's own message out of libvirt's wrapping ("... command failed, error was '...'"). */
function guestMessage(line: string): string {
  const m = /unable to execute QEMU agent command '[^']*': (?:Guest agent command failed, error was '(.*)'|(.*))$/.exec(line);
  return m ? (m[1] ?? m[2] ?? line) : line;
}

/**
 * The named error of a virsh call that failed: `command` is the agent
 * command it carried, `argv` the guest command it was about.
 */
export function qgaError(r: ExecResult, t: QgaTarget, command: string, argv: readonly string[]): CapsuleError {
  const details = { domain: t.domain, uri: t.uri, command, argv };
  if (r.code === 127) {
    return new CapsuleError('CommandNotFound', `virsh is not installed on this node: cannot reach the guest agent of ${t.domain}`, {
      hint: 'install libvirt-clients (apt-get install libvirt-clients)',
      details: { ...details, command: 'virsh' },
    });
  }
  const line = lastLine(r.stderr || r.stdout);
  if (/failed to connect to the hypervisor|failed to connect socket/i.test(line)) {
    return new CapsuleError('HypervisorUnavailable', `libvirt does not answer on ${t.uri}: ${line}`, { hint: 'start libvirtd (systemctl start libvirtd), or fix the uri keyword', details });
  }
  if (/failed to get domain|domain not found/i.test(line)) {
    return new CapsuleError('ContainerNotFound', `no domain ${t.domain} on ${t.uri}: ${line}`, { hint: `define it (virsh -c ${t.uri} define FILE.xml)`, details });
  }
  if (/domain is not running/i.test(line)) {
    return new CapsuleError('GuestDown', `${t.domain} is not running: ${line}`, { hint: `start it (virsh -c ${t.uri} start ${t.domain})`, details });
  }
  if (/guest agent is not (configured|connected|responding)|guest agent not available|agent (command )?timed out/i.test(line)) {
    return new CapsuleError('GuestUnreachable', `the QEMU guest agent of ${t.domain} does not answer: ${line}`, {
      hint: `is qemu-guest-agent running in the guest, and the org.qemu.guest_agent.0 channel in the domain XML (virsh -c ${t.uri} dumpxml ${t.domain})?`,
      details,
    });
  }
  const said = guestMessage(line);
  if (command === 'guest-exec' && /no such file or directory/i.test(said)) {
    return new CapsuleError('CommandNotFound', `${argv[0]} not found in ${t.domain}: ${said}`, { hint: `install it in the guest, or give its full path`, details });
  }
  if (/has been disabled/i.test(said)) {
    return new CapsuleError('GuestActionFailed', `the QEMU guest agent of ${t.domain} refuses ${command}: ${said}`, {
      hint: `allow it in the guest's qemu-ga (--block-rpcs, or block-rpcs/allow-rpcs in /etc/qemu/qemu-ga.conf)`,
      details,
    });
  }
  return new CapsuleError('GuestActionFailed', `${command} of \`${argv.join(' ')}\` in ${t.domain} failed: ${said || `virsh exited ${r.code}`}`, {
    hint: `see what the guest agent logs in ${t.domain}, and /var/log/libvirt/qemu/${t.domain}.log`,
    details,
  });
}

/** An answer virsh printed that is not the agent's JSON. */
export function qgaGarbled(r: ExecResult, t: QgaTarget, command: string, argv: readonly string[]): CapsuleError {
  return new CapsuleError('GuestActionFailed', `${command} of \`${argv.join(' ')}\` in ${t.domain}: unexpected answer: ${r.stdout.trim().slice(0, 200)}`, {
    hint: 'check the versions of libvirt and of the guest agent',
    details: { domain: t.domain, uri: t.uri, command, argv },
  });
}
