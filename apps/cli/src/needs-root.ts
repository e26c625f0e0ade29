// A command run by a user who may not read capsule's files: one named error
// instead of a raw EACCES, whatever the command was reading when refused.
import { CapsuleError, ErrorCode } from '@capsule/core/errors';

type Errno = NodeJS.ErrnoException & { address?: string };

/** The permission error behind `e` (itself, or down its causes: a daemon that cannot be asked keeps why). */
function permissionDenied(e: unknown): Errno | undefined {
  for (let c = e, depth = 0; typeof c === 'object' && c !== null && depth < 8; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as Errno).code;
    if (code === 'EACCES' || code === 'EPERM') return c as Errno;
  }
  return undefined;
}

/**
 * NeedsRoot for a permission error met by anyone but root; anything else as
 * it is. Root refused is not a matter of running as root, so it keeps its own
 * error.
 */
export function asNeedsRoot(e: unknown, program: string, uid: number | undefined = process.getuid?.()): unknown {
  if (uid === undefined || uid === 0) return e;
  const denied = permissionDenied(e);
  if (!denied) return e;
  const what = denied.path ?? denied.address;
  return new CapsuleError(ErrorCode.NeedsRoot, `${program} needs root: permission denied${what ? ` on ${what}` : ''}`, {
    hint: `run it as root: sudo ${program} ...`,
    cause: e,
    details: { uid, ...(what ? { path: what } : {}), errno: denied.code },
  });
}
