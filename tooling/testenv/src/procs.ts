// The processes a test started, found by an environment variable they all
// carry (CAPSULE_ROOT: an agent, the svcmgr it runs, the scripts those
// start), whatever their process group or parent: a detached agent or an
// app's orphaned script is found as surely as a direct child.
import { readdirSync, readFileSync } from 'node:fs';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Whether the process has ended (a zombie nobody reaped yet counts: it runs nothing). */
export function processGone(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  return !stat || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** Live processes whose environment has NAME=VALUE, and whose argv passes `argv` when given. */
export function processesWithEnv(name: string, value: string, argv?: (words: string[]) => boolean): number[] {
  const entry = `${name}=${value}`;
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .map(Number)
    .filter((pid) => read(`/proc/${pid}/environ`).split('\0').includes(entry))
    .filter((pid) => !argv || argv(read(`/proc/${pid}/cmdline`).split('\0')))
    .filter((pid) => !processGone(pid));
}

/** Kills them all with SIGKILL, again until none is left: one may fork between the listing and the kill. */
export async function killProcessesWithEnv(name: string, value: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const pids = processesWithEnv(name, value);
    if (!pids.length) return;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended meanwhile
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
