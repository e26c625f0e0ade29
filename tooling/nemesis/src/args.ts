// The nemesis's command line: `--duration 2m|10m|SECONDS`, `--seed N`,
// `--arbitrator`, `--backend hb|etcd`, `--out FILE`, `--logs DIR`.
import { parseArgs } from 'node:util';
import { NemesisUsage } from './errors.js';
import type { Backend } from './schedule.js';

export interface NemesisArgs {
  durationMs: number;
  seed: number;
  arbitrator: boolean;
  /** The cluster's backend: heartbeats, or a three-member etcd with faults on its members too. */
  backend: Backend;
  /** The report as JSON. */
  out?: string;
  /** Where the agents' and watchdogs' logs are kept when the run finds a problem. */
  logs?: string;
}

const USAGE = 'usage: nemesis [--duration 2m|10m|SECONDS] [--seed N] [--arbitrator] [--backend hb|etcd] [--out FILE] [--logs DIR]';

/** `90`, `90s`, `2m`, `1h`: a length of time in ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
  if (!(ms > 0)) throw new NemesisUsage(`--duration ${text}: not a length of time; write 2m, 10m or a number of seconds`);
  return ms;
}

export function parseNemesisArgs(argv: string[], defaultSeed: () => number): NemesisArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string', default: '2m' },
        seed: { type: 'string' },
        arbitrator: { type: 'boolean', default: false },
        backend: { type: 'string', default: 'hb' },
        out: { type: 'string' },
        logs: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new NemesisUsage(`${(e as Error).message}\n${USAGE}`);
  }
  const seed = values.seed === undefined ? defaultSeed() : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new NemesisUsage(`--seed ${values.seed}: not a whole number >= 0\n${USAGE}`);
  if (values.backend !== 'hb' && values.backend !== 'etcd') throw new NemesisUsage(`--backend ${values.backend}: write hb or etcd\n${USAGE}`);
  if (values.backend === 'etcd' && values.arbitrator) throw new NemesisUsage(`--arbitrator is for the heartbeat backend: with etcd, etcd is the tie-breaker\n${USAGE}`);
  return {
    durationMs: parseDuration(values.duration),
    seed,
    arbitrator: values.arbitrator,
    backend: values.backend,
    ...(values.out ? { out: values.out } : {}),
    ...(values.logs ? { logs: values.logs } : {}),
  };
}
