import { qgaError } from './errors.js';

const t = { uri: 'qemu:///system', domain: 'vm1' };
const failed = (stderr: string, code = 1) => ({ code, stdout: '', stderr });

// What virsh 9 prints (checked against a real guest where one was at hand).
test.each<[string, ReturnType<typeof failed>, string, object]>([
  ['no virsh', failed('virsh: command not found\n', 127), 'guest-exec', { code: 'CommandNotFound', hint: expect.stringContaining('libvirt-clients') }],
  ['no libvirtd', failed('error: failed to connect to the hypervisor\nerror: Failed to connect socket to \'/run/libvirt/libvirt-sock\': No such file or directory\n'), 'guest-exec', { code: 'HypervisorUnavailable', message: expect.stringContaining('qemu:///system') }],
  ['no such domain', failed("error: failed to get domain 'vm1'\n"), 'guest-exec', { code: 'ContainerNotFound', message: expect.stringContaining('no domain vm1') }],
  ['a domain that does not run', failed('error: Requested operation is not valid: domain is not running\n'), 'guest-exec', { code: 'GuestDown', hint: expect.stringContaining('virsh -c qemu:///system start vm1') }],
  [
    'no agent channel in the domain',
    failed('error: argument unsupported: QEMU guest agent is not configured\n'),
    'guest-exec',
    { code: 'GuestUnreachable', message: 'the QEMU guest agent of vm1 does not answer: argument unsupported: QEMU guest agent is not configured', hint: expect.stringContaining('org.qemu.guest_agent.0') },
  ],
  ['an agent not connected', failed('error: Guest agent is not responding: QEMU guest agent is not connected\n'), 'guest-exec-status', { code: 'GuestUnreachable', hint: expect.stringContaining('is qemu-guest-agent running in the guest') }],
  ['an agent that stopped answering', failed('error: Guest agent is not responding: Guest agent not available for now\n'), 'guest-exec', { code: 'GuestUnreachable' }],
  [
    'a command the guest does not have',
    failed("error: internal error: unable to execute QEMU agent command 'guest-exec': Guest agent command failed, error was 'Failed to execute child process “nope” (No such file or directory)'\n"),
    'guest-exec',
    { code: 'CommandNotFound', message: 'nope not found in vm1: Failed to execute child process “nope” (No such file or directory)', hint: expect.stringContaining('in the guest') },
  ],
  [
    'a command the guest may not run',
    failed("error: internal error: unable to execute QEMU agent command 'guest-exec': Guest agent command failed, error was 'Failed to execute child process “/etc/passwd” (Permission denied)'\n"),
    'guest-exec',
    { code: 'GuestActionFailed', message: 'guest-exec of `nope -x` in vm1 failed: Failed to execute child process “/etc/passwd” (Permission denied)' },
  ],
  [
    'guest-exec blocked in the agent',
    failed("error: internal error: unable to execute QEMU agent command 'guest-exec': The command guest-exec has been disabled for this instance\n"),
    'guest-exec',
    { code: 'GuestActionFailed', message: expect.stringContaining('refuses guest-exec: The command guest-exec has been disabled'), hint: expect.stringContaining('block-rpcs') },
  ],
  ['a pid the agent forgot', failed("error: internal error: unable to execute QEMU agent command 'guest-exec-status': Invalid parameter 'pid'\n"), 'guest-exec-status', { code: 'GuestActionFailed', message: "guest-exec-status of `nope -x` in vm1 failed: Invalid parameter 'pid'" }],
  ['virsh failing with no words', failed(''), 'guest-exec', { code: 'GuestActionFailed', message: expect.stringContaining('virsh exited 1') }],
])('%s', (_, r, command, expected) => {
  const e = qgaError(r, t, command, ['nope', '-x']);
  expect(e).toMatchObject(expected);
  expect(e.details).toMatchObject({ domain: 'vm1', uri: 'qemu:///system' });
});
