#!/usr/bin/env node
// capsule-dist --platform P [--out DIR] [--tar] [--deb ...]: a per-platform
// build of the CLI and the agent with the drivers that run on P, as a
// tree, a tarball, or (linux) a Debian package.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../assemble.js';
import { parseDistArgs, USAGE } from '../args.js';
import { buildDeb } from '../deb/build.js';

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
  const out = args.out ? resolve(cwd, args.out) : `${repo}apps/platforms/out`;
  const b = await assemble({ target: args.platform, repo, out, tarball: args.tar, ...(args.prefix ? { prefix: args.prefix } : {}) });
  process.stdout.write(`${b.tarball ?? b.dir}\n  drivers: ${b.drivers.join(' ')}\n  packages: ${b.packages.length}\n`);
  if (args.deb) {
    // The runtime bundled is the one running this build: the version the tests ran on.
    const deb = buildDeb({ build: b, out, compression: args.deb.compression, ...(args.deb.revision ? { revision: args.deb.revision } : {}), ...(args.deb.systemNode ? {} : { nodeRuntime: process.execPath }) });
    process.stdout.write(`${deb.file}\n  version: ${deb.version}, installed: ${(deb.installedBytes / 2 ** 20).toFixed(1)} MiB\n`);
  }
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}
