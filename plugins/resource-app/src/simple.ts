// `type = simple`: the start command runs in the background, in a session of
// its own (so a stop signals its whole process group, and the action's
// timeout never kills it), its output appended beside its pid file. The pid
// file records the process start time too, so a pid reused by another
// process is not taken for the app.
import { CapsuleError, processExists, type ActionContext } from '@capsule/core';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

interface PidRecord {
  pid: number;
  /** Field 22 of /proc/PID/stat (Linux); absent elsewhere. */
  start?: string;
}

/** Field 3 (state) and field 22 (start time) of /proc/PID/stat; undefined off Linux or when gone. */
async function procStat(pid: number): Promise<{ state: string; start: string } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The fields after the command name (which may hold spaces): state is field 3, starttime field 22.
  const f = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return f ? { state: f[0]!, start: f[19]! } : undefined;
}

const startTime = async (pid: number) => (await procStat(pid))?.start;

const alive = processExists;

/** How long a started process must stay up to count as started (a command that fails at once is a failed start). */
const SETTLE_MS = 300;

export class SimpleProcess {
  constructor(private readonly pidFile: string) {}

  private get outFile(): string {
    return this.pidFile.replace(/\.pid$/, '.out');
  }

  private async record(): Promise<PidRecord | undefined> {
    try {
      const r = JSON.parse(await readFile(this.pidFile, 'utf8')) as PidRecord;
      return Number.isSafeInteger(r.pid) && r.pid > 1 ? r : undefined;
    } catch {
      return undefined;
    }
  }

  /** The supervised process, when it runs (the same process: its start time matches). */
  async running(): Promise<number | undefined> {
    const r = await this.record();
    if (!r || !alive(r.pid)) return undefined;
    const st = await procStat(r.pid);
    // An exited process not yet reaped (a zombie) answers signal 0: it does not run.
    if (st?.state === 'Z' || (r.start !== undefined && st?.start !== r.start)) return undefined;
    return r.pid;
  }

  async start(ctx: ActionContext, argv: string[], o: { env: Record<string, string>; cwd?: string }): Promise<void> {
    if (await this.running()) return;
    await mkdir(dirname(this.pidFile), { recursive: true });
    const launcher = 'setsid "$@" </dev/null >>"$CAPSULE_APP_OUT" 2>&1 & echo $!';
    const r = await ctx.exec(['/bin/sh', '-c', launcher, 'app', ...argv], { env: { ...o.env, CAPSULE_APP_OUT: this.outFile }, timeoutMs: 30_000, ...(o.cwd ? { cwd: o.cwd } : {}) });
    const pid = Number(r.stdout.trim());
    if (r.code !== 0 || !Number.isSafeInteger(pid)) {
      throw new CapsuleError('AppStartFailed', `could not launch ${argv.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`, { hint: 'check the start command and that setsid exists' });
    }
    const start = await startTime(pid);
    await writeFile(this.pidFile, JSON.stringify({ pid, ...(start ? { start } : {}) }) + '\n');
    ctx.log.info(`started ${argv.join(' ')} in the background (pid ${pid}), output in ${this.outFile}`);
    await new Promise((res) => setTimeout(res, SETTLE_MS));
    if (!(await this.running())) {
      const tail = (await readFile(this.outFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' | ');
      await rm(this.pidFile, { force: true });
      throw new CapsuleError('AppStartFailed', `${argv.join(' ')} exited at once${tail ? `: ${tail}` : ''}`, { hint: `see ${this.outFile}` });
    }
  }

  /** SIGTERM to the process group (`tree`) or the process alone (`parent`), SIGKILL once `timeoutMs` has passed. */
  async stop(ctx: ActionContext, timeoutMs: number, kill: 'tree' | 'parent' = 'tree'): Promise<void> {
    const pid = await this.running();
    if (pid) {
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(kill === 'tree' ? -pid : pid, sig);
        } catch {
          /* gone meanwhile */
        }
      };
      signal('SIGTERM');
      const deadline = Date.now() + timeoutMs;
      while (alive(pid) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
      if (alive(pid)) {
        ctx.log.warn(`pid ${pid} still runs ${timeoutMs / 1000} s after SIGTERM: SIGKILL`);
        signal('SIGKILL');
      }
    }
    await rm(this.pidFile, { force: true });
  }
}
