// Start's wait for a guest reached through its QEMU guest agent (`qga =
// true`): `guest-ping` until the agent answers, where the ssh path waits
// for a command to run over ssh.
import { CapsuleError, ErrorCode, type ContainerContext, type ExecResult } from '@capsule/core';
import { lastLine, waitFor } from '@capsule/driver-kit';

export const AGENT_PORT = 'org.qemu.guest_agent.0';
/** One ping's wait for the agent (virsh --timeout): a connected agent answers in well under it. */
const PING_TIMEOUT_S = 5;

/** The `virsh qemu-agent-command` arguments of one ping. */
export function pingArgs(domain: string): string[] {
  return ['qemu-agent-command', '--timeout', String(PING_TIMEOUT_S), domain, '{"execute":"guest-ping"}'];
}

export interface WaitForAgentOptions {
  rid: string;
  name: string;
  timeoutS: number;
  /** Runs one ping (virsh on the host, its own failures already named). */
  ping: () => Promise<ExecResult>;
}

/** ContainerNotOperational after `timeoutS`, or at once for a domain that has no agent channel. */
export async function waitForAgent(ctx: Pick<ContainerContext, 'clock' | 'signal'>, o: WaitForAgentOptions): Promise<void> {
  let last = '';
  const answered = await waitFor(
    ctx,
    o.timeoutS,
    async () => {
      const r = await o.ping();
      if (r.code === 0) return true;
      last = lastLine(r.stderr || r.stdout).replace(/^error: /, '');
      // A domain defined without the channel does not grow one by waiting.
      if (/guest agent is not configured/i.test(last)) {
        throw new CapsuleError(ErrorCode.ContainerNotOperational, `${o.rid}: ${o.name} runs but its domain has no QEMU guest agent channel: ${last}`, {
          hint: `add <channel type='unix'><target type='virtio' name='${AGENT_PORT}'/></channel> to the domain (virsh edit ${o.name}) and restart it, or set ${o.rid}.qga = false`,
          details: { rid: o.rid, guest: o.name },
        });
      }
      return false;
    },
    500,
  );
  if (answered) return;
  throw new CapsuleError(ErrorCode.ContainerNotOperational, `${o.rid}: ${o.name} runs but its QEMU guest agent does not answer after ${o.timeoutS}s: ${last}`, {
    hint: `is qemu-guest-agent running in the guest (virsh console ${o.name}), with the ${AGENT_PORT} channel in the domain XML? or raise ${o.rid}.start_timeout`,
    details: { rid: o.rid, guest: o.name },
  });
}
