#!/usr/bin/env node
// capsule-dist --platform P [--out DIR] [--tar]: a per-platform build of
// the CLI and the agent with the drivers that run on P.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../assemble.js';
import { isTarget, TARGETS } from '../select.js';

const USAGE = `usage: capsule-dist --platform ${TARGETS.join('|')} [--out DIR] [--tar]`;
const args = process.argv.slice(2);
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
};
const platform = value('--platform');
const known = new Set(['--platform', '--out', '--tar']);
const unknown = args.filter((a, i) => a.startsWith('--') ? !known.has(a) : !['--platform', '--out'].includes(args[i - 1] ?? ''));
if (!platform || !isTarget(platform) || unknown.length) {
  process.stderr.write(`error: ${platform && !isTarget(platform) ? `unknown platform ${platform}` : unknown.length ? `unexpected ${unknown.join(' ')}` : 'no platform given'}\n  hint: ${USAGE}\n`);
  process.exit(2);
}
const repo = fileURLToPath(new URL('../../../..', import.meta.url));
try {
  const b = assemble({ target: platform, repo, out: resolve(value('--out') ?? `${repo}/apps/platforms/out`), tarball: args.includes('--tar') });
  process.stdout.write(`${b.tarball ?? b.dir}\n  drivers: ${b.drivers.join(' ')}\n  packages: ${b.packages.length}\n`);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}
