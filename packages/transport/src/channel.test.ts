import type { Exec } from '@capsule/core';
import { guestExec } from './channel.js';
import { localExec } from './local.js';
import { SshSessions } from './ssh/sessions.js';

test('a native channel runs argv behind its prefix on the host', async () => {
  const exec = guestExec({ kind: 'native', prefix: ['env', 'CAPSULE_GUEST=vm1'] }, localExec);
  expect(await exec(['sh', '-c', 'echo "$CAPSULE_GUEST $1"', 'sh', 'a b'])).toEqual({ code: 0, stdout: 'vm1 a b\n', stderr: '' });
});

test('an ssh channel goes through the node ssh sessions, with their key', async () => {
  const ssh = new SshSessions({ identityFile: '/nonexistent/capsule/id_ed25519', knownHosts: '/nonexistent/known_hosts' });
  const exec = guestExec({ kind: 'ssh', host: '198.51.100.7', port: 22, user: 'root' }, localExec, ssh);
  await expect(exec(['true'])).rejects.toMatchObject({ code: 'SshKeyInvalid', message: expect.stringContaining('/nonexistent/capsule/id_ed25519') });
  await ssh.close();
});

test('an ssh channel without ssh sessions is a named error, nothing runs', async () => {
  const exec = guestExec({ kind: 'ssh', host: '198.51.100.7', port: 22, user: 'root' }, localExec);
  await expect(exec(['true'])).rejects.toMatchObject({ code: 'TransportUnavailable', message: expect.stringContaining('198.51.100.7') });
});

test('a qga channel runs virsh qemu-agent-command on the host, for its domain on its URI', async () => {
  const seen: string[][] = [];
  const host: Exec = async (argv) => {
    seen.push([...argv]);
    const status = { exited: true, exitcode: 0, 'out-data': Buffer.from('vm1\n').toString('base64') };
    return { code: 0, stdout: JSON.stringify({ return: argv.at(-1)!.includes('"guest-exec"') ? { pid: 5 } : status }), stderr: '' };
  };
  const exec = guestExec({ kind: 'qga', uri: 'qemu+ssh://hv2/system', domain: 'vm1' }, host);
  expect(await exec(['hostname'])).toEqual({ code: 0, stdout: 'vm1\n', stderr: '' });
  expect(seen.map((a) => a.slice(0, 7))).toEqual(Array(2).fill(['virsh', '-c', 'qemu+ssh://hv2/system', 'qemu-agent-command', '--timeout', '10', 'vm1']));
});
