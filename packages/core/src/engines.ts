// The oldest Node capsule runs on. Node 20.11 brought what the programs
// rely on (import.meta.dirname, stable fs.cp, AbortSignal.any); Debian 12's
// own nodejs is 18, so an install on it must bring a newer one. Checked
// first thing by every program, so an old Node gives one named error
// instead of a syntax error or a missing function deep in a command.
import { CapsuleError } from './errors.js';
import { ErrorCode } from './codes.js';

export const MIN_NODE = '20.11.0';

const parts = (v: string) => v.replace(/^v/, '').split('.').map((x) => Number.parseInt(x, 10) || 0);

/** Whether `version` (process.versions.node) is at least `min`. */
export function nodeAtLeast(version: string, min = MIN_NODE): boolean {
  const [a, b] = [parts(version), parts(min)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** Throws NodeTooOld, naming the version found and the one needed, when `version` is older than MIN_NODE. */
export function requireNode(version: string, program: string): void {
  if (nodeAtLeast(version)) return;
  throw new CapsuleError(ErrorCode.NodeTooOld, `${program} needs Node ${MIN_NODE} or later; this is Node ${version}`, {
    hint: 'install a newer Node (Debian 12 ships 18: take the NodeSource or the official 20.x build), or use the package that brings its own runtime',
  });
}
