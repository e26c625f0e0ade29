// Whether a process exists, by signal 0: EPERM means it exists and belongs
// to someone else. A zombie (exited, not reaped) exists too: callers that
// care read /proc.
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
