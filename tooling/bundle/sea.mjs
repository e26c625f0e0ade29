#!/usr/bin/env node
// The guest agent as one executable for guests without Node: a copy of this
// node binary with a Node SEA blob injected (sea-main.cjs as its main, the
// CLI and resource drivers of a per-platform build as its payload).
//
//   node tooling/bundle/sea.mjs --from BUILD --out FILE
//
// BUILD is a tree made by `pnpm dist --platform linux` (apps/platforms). Container
// drivers are left out: the encapsulated level runs resources, not containers.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/**
 * Not needed at run time: TypeScript and C sources, types, source maps, docs, tests, and
 * packages used only to compile native addons. Every file costs the first run a write:
 * 1800 small files took a second on a slow disk.
 */
const SKIPPED_FILES = /\.([cm]?ts|map|md|markdown|c|cc|cpp|h|hpp|gyp|gypi|ya?ml)$/i;
const SKIPPED_DIRS = new Set(['test', 'tests', '__tests__', 'example', 'examples', '.github']);
const BUILD_ONLY = new Set(['@types', 'nan', 'buildcheck']);

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** A package whose manifest provides containers only: the hypervisor's business, not the guest's. */
function isContainerDriver(pkg) {
  const provides = pkg.capsule?.provides ?? [];
  return provides.length > 0 && provides.every((p) => p.startsWith('container.'));
}

/** The payload's files (path relative to lib/ -> bytes and mode): lib/ of the build, container drivers out of it and out of the apps' dependencies. */
function payloadFiles(lib) {
  const files = new Map();
  const dropped = new Set();
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      const rel = relative(lib, p).split(sep).join('/');
      if (rel === 'guest') continue;
      if (e.isDirectory()) {
        if (rel.includes('node_modules/') && (SKIPPED_DIRS.has(e.name) || (dir.endsWith('node_modules') && BUILD_ONLY.has(e.name)))) continue;
        if (existsSync(join(p, 'package.json')) && rel.includes('node_modules/')) {
          const pkg = readJson(join(p, 'package.json'));
          if (pkg.name && isContainerDriver(pkg)) {
            dropped.add(pkg.name);
            continue;
          }
        }
        walk(p);
      } else if (e.isFile() && !SKIPPED_FILES.test(e.name)) {
        files.set(rel, { data: readFileSync(p), mode: statSync(p).mode & 0o777 });
      }
    }
  };
  walk(lib);
  for (const app of ['cli/package.json', 'node_modules/@capsule/agent/package.json']) {
    const f = files.get(app);
    if (!f) continue;
    const pkg = JSON.parse(f.data.toString('utf8'));
    pkg.dependencies = Object.fromEntries(Object.entries(pkg.dependencies ?? {}).filter(([n]) => !dropped.has(n)));
    f.data = Buffer.from(JSON.stringify(pkg, null, 2) + '\n');
  }
  // The SEA's own require loads built-in modules only: this launcher, loaded from disk, imports the ESM bundle.
  files.set('guest-agent-launch.cjs', { data: Buffer.from("'use strict';\nmodule.exports = (url) => import(url);\n"), mode: 0o644 });
  return { files, dropped: [...dropped].sort() };
}

/** sea-main.cjs's format: a big-endian u32 index length, the index ([path, mode, size]...), the bytes in order. */
function serialize(files) {
  const entries = [...files.entries()];
  const index = Buffer.from(JSON.stringify(entries.map(([p, f]) => [p, f.mode, f.data.length])));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(index.length);
  return Buffer.concat([head, index, ...entries.map(([, f]) => f.data)]);
}

/**
 * Builds the guest agent from a per-platform build (`from`, its lib/ is the payload) into `out`.
 * `node` is the binary copied (this one by default; it also makes the blob, which must match it).
 * Returns the version string the binary answers to `--version` and its size.
 */
export async function buildGuestAgent({ from, out, node = process.execPath, strip = true }) {
  const lib = join(resolve(from), 'lib');
  if (!existsSync(join(lib, 'cli/dist/bin/svcmgr.js'))) throw new Error(`${from} is not a per-platform build (no lib/cli/dist/bin/svcmgr.js): run pnpm dist --platform linux first`);
  const { files, dropped } = payloadFiles(lib);
  const raw = serialize(files);
  const cliVersion = JSON.parse(files.get('cli/package.json').data.toString('utf8')).version;
  // The build id is the payload's hash: two builds of one version differ when their code does, and the hypervisor pushes the new one.
  const version = `${cliVersion} guest-agent ${createHash('sha256').update(raw).digest('hex').slice(0, 12)}`;
  const work = mkdtempSync(join(tmpdir(), 'capsule-sea-'));
  try {
    writeFileSync(join(work, 'payload.gz'), gzipSync(raw, { level: 9 }));
    writeFileSync(join(work, 'version'), `${version}\n`);
    copyFileSync(join(HERE, 'sea-main.cjs'), join(work, 'main.cjs'));
    const config = { main: 'main.cjs', output: 'sea.blob', disableExperimentalSEAWarning: true, assets: { payload: 'payload.gz', version: 'version' } };
    writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
    execFileSync(node, ['--experimental-sea-config', 'sea-config.json'], { cwd: work, stdio: 'pipe' });
    const bin = join(work, 'svcmgr');
    copyFileSync(node, bin);
    chmodSync(bin, 0o755);
    // The distribution's node carries its debug info (some 13 MiB): a guest has no use for it. No strip tool: kept.
    if (strip) {
      try {
        execFileSync('strip', [bin], { stdio: 'ignore' });
      } catch {
        // Left as it is.
      }
    }
    const { inject } = createRequire(import.meta.url)('postject');
    await inject(bin, 'NODE_SEA_BLOB', readFileSync(join(work, 'sea.blob')), { sentinelFuse: FUSE });
    mkdirSync(dirname(resolve(out)), { recursive: true });
    // Written aside then renamed: a hypervisor pushing the previous one meanwhile reads a whole file.
    const tmp = `${resolve(out)}.tmp-${process.pid}`;
    copyFileSync(bin, tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, resolve(out));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { out: resolve(out), version, bytes: statSync(out).size, dropped };
}

const USAGE = 'usage: node tooling/bundle/sea.mjs --from BUILD --out FILE   (BUILD: a `pnpm dist --platform linux` tree)';

async function cli(argv) {
  const opt = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const from = opt('--from');
  const out = opt('--out');
  if (argv.includes('--help') || !from || !out) {
    process.stderr.write(`${USAGE}\n`);
    return argv.includes('--help') ? 0 : 2;
  }
  try {
    const r = await buildGuestAgent({ from, out, strip: !argv.includes('--no-strip') });
    process.stdout.write(`${r.out}\n  version: ${r.version}\n  size: ${(r.bytes / 2 ** 20).toFixed(1)} MiB\n  left out: ${r.dropped.join(' ')}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await cli(process.argv.slice(2));
