import { CapsuleError, isCapsuleError } from '@capsule/core/errors';
import { asNeedsRoot } from './needs-root.js';

const errno = (code: string, extra: Record<string, string> = {}) => Object.assign(new Error(`${code}: denied`), { code, ...extra });

test.each([
  ['EACCES on a file, as nobody', errno('EACCES', { path: '/etc/capsule/web.conf' }), 65534, 'NeedsRoot', 'svcmgr needs root: permission denied on /etc/capsule/web.conf'],
  ['EPERM, as nobody', errno('EPERM', { path: '/var/lib/capsule' }), 65534, 'NeedsRoot', 'svcmgr needs root: permission denied on /var/lib/capsule'],
  ['a socket refused, kept as the cause of DaemonNotRunning', new CapsuleError('DaemonNotRunning', 'no answer', { cause: errno('EACCES', { address: '/var/run/capsule/agent.sock' }) }), 65534, 'NeedsRoot', 'svcmgr needs root: permission denied on /var/run/capsule/agent.sock'],
  ['EACCES met by root: not a matter of running as root', errno('EACCES', { path: '/nfs/x' }), 0, undefined, 'EACCES: denied'],
  ['another error, as nobody', errno('ENOENT', { path: '/x' }), 65534, undefined, 'ENOENT: denied'],
])('%s', (_, e, uid, code, message) => {
  const r = asNeedsRoot(e, 'svcmgr', uid);
  expect(isCapsuleError(r) ? r.code : undefined).toBe(code ?? (isCapsuleError(e) ? e.code : undefined));
  expect((r as Error).message).toBe(code ? message : (e as Error).message);
  if (code) expect(r).toMatchObject({ hint: 'run it as root: sudo svcmgr ...' });
});
