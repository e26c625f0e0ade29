// How an app command is launched: its environment (`environment` as
// VAR=value words, names upper-cased as OpenSVC does), its exit codes read
// as statuses (`retcodes`), and the wrappers that give it a umask, a user
// and group, and resource limits (`limit_*`: prlimit on Linux, the shell's
// ulimit elsewhere). Pure: the App runs what these return.
import { shellWords } from './command.js';

/** `limit_*` keywords and the resource names prlimit and ulimit give them. */
export const LIMITS = {
  as: { prlimit: 'as', ulimit: '-v', kb: true },
  core: { prlimit: 'core', ulimit: '-c', kb: true },
  cpu: { prlimit: 'cpu', ulimit: '-t', kb: false },
  data: { prlimit: 'data', ulimit: '-d', kb: true },
  fsize: { prlimit: 'fsize', ulimit: '-f', kb: true },
  memlock: { prlimit: 'memlock', ulimit: '-l', kb: true },
  nofile: { prlimit: 'nofile', ulimit: '-n', kb: false },
  nproc: { prlimit: 'nproc', ulimit: '-u', kb: false },
  rss: { prlimit: 'rss', ulimit: '-m', kb: true },
  stack: { prlimit: 'stack', ulimit: '-s', kb: true },
  vmem: { prlimit: 'as', ulimit: '-v', kb: true },
} as const;
export type LimitName = keyof typeof LIMITS;

export interface LaunchOptions {
  user?: string;
  group?: string;
  /** Octal, as `umask` takes it. */
  umask?: string;
  limits?: Partial<Record<LimitName, number>>;
  platform?: string;
}

/** Pure: argv wrapped so that it runs with the umask, as the user and group, under the limits. */
export function launchArgv(argv: readonly string[], o: LaunchOptions): string[] {
  const platform = o.platform ?? process.platform;
  let cmd = [...argv];
  const limits = Object.entries(o.limits ?? {}) as [LimitName, number][];
  const prologue = [...(o.umask ? [`umask ${o.umask}`] : []), ...(platform === 'linux' ? [] : limits.map(([k, v]) => `ulimit ${LIMITS[k].ulimit} ${LIMITS[k].kb ? Math.ceil(v / 1024) : v}`))];
  if (prologue.length) cmd = ['/bin/sh', '-c', `${prologue.join(' && ')} && exec "$@"`, 'app', ...cmd];
  if (o.user || o.group) {
    cmd =
      platform === 'linux'
        ? ['runuser', '-u', o.user ?? 'root', ...(o.group ? ['-g', o.group] : []), '--', ...cmd]
        : // su has no group option: the user's own group applies.
          ['su', o.user ?? 'root', '-c', 'exec "$0" "$@"', ...cmd];
  }
  // Outermost, so that the limits hold for everything the command starts, user switch included.
  if (platform === 'linux' && limits.length) cmd = ['prlimit', ...limits.map(([k, v]) => `--${LIMITS[k].prlimit}=${v}`), '--', ...cmd];
  return cmd;
}

/** Pure: `environment` words (`A=1 "B=two words"`) as variables, names upper-cased; a word without `=` is reported. */
export function parseEnvironment(text: string | undefined): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const w of shellWords(text ?? '') ?? [text ?? '']) {
    const i = w.indexOf('=');
    if (i <= 0) problems.push(`"${w}" is not VAR=value`);
    else env[w.slice(0, i).toUpperCase()] = w.slice(i + 1);
  }
  return { env, problems };
}

export type AppStatus = 'up' | 'down' | 'warn' | 'n/a' | 'undef';
const STATUSES: readonly AppStatus[] = ['up', 'down', 'warn', 'n/a', 'undef'];

/** Pure: `0:up 1:down 3:n/a` as a map; what it does not name is warn. */
export function parseRetcodes(text: string): Map<number, AppStatus> | string {
  const m = new Map<number, AppStatus>();
  for (const w of text.split(/\s+/).filter(Boolean)) {
    const [code, status] = w.split(':');
    if (!/^\d+$/.test(code ?? '') || !STATUSES.includes(status as AppStatus)) return `"${w}" is not CODE:STATUS (status one of ${STATUSES.join(', ')})`;
    m.set(Number(code), status as AppStatus);
  }
  return m;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, kb: 1000, m: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2, g: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3, t: 1024 ** 4, tib: 1024 ** 4, tb: 1000 ** 4 };

/** `1024`, `64k`, `2g`, `10MB`, `1GiB`: OpenSVC's sizes (k, m, g binary; kb, mb, gb decimal). */
export function parseSize(raw: string): { value: number } | { problem: string } {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(raw.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return { problem: `expected a size like 1024, 64k, 2g or 10MB, got "${raw}"` };
  return { value: Math.round(Number(m[1]) * unit) };
}
