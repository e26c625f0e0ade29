#!/usr/bin/env node
// capsule-dist --platform P [--out DIR] [--tar]: a per-platform build of
// the CLI and the agent with the drivers that run on P.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../assemble.js';
import { parseDistArgs, USAGE } from '../args.js';

let args;
try {
  args = parseDistArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n  hint: ${USAGE}\n`);
  process.exit(2);
}
if (args === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const repo = fileURLToPath(new URL('../../../..', import.meta.url));
// pnpm runs the script in apps/platforms: a relative --out is the caller's.
const cwd = process.env['INIT_CWD'] ?? process.cwd();
try {
  const b = await assemble({ target: args.platform, repo, out: args.out ? resolve(cwd, args.out) : `${repo}apps/platforms/out`, tarball: args.tar });
  process.stdout.write(`${b.tarball ?? b.dir}\n  drivers: ${b.drivers.join(' ')}\n  packages: ${b.packages.length}\n`);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}
