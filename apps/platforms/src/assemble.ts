// A per-platform build: the CLI and the agent bundles with the drivers that
// run on the target platform and everything they import at run time, laid
// out as one relocatable tree (optionally a tarball):
//
//   capsule-VERSION-PLATFORM/
//     bin/svcmgr, bin/nodemgr, bin/svcmon          node wrappers (and .cmd for win32)
//     lib/cli/{package.json, dist/}                the CLI app: capsuleApp, its drivers
//     lib/node_modules/@capsule/agent/             the agent app, its drivers
//     lib/node_modules/...                         drivers, their deps, ssh2, zod
//     share/capsule/{systemd,smf,rc.d,launchd}/    the platform's service unit (units/)
//     lib/guest/svcmgr                             linux: the guest agent without Node (guest-agent.ts)
//
// Each app finds its drivers by its package.json dependencies, as in the
// workspace: discovery does not know it runs from a build.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { locatePackage } from '@capsule/plugin-host';
import { closure, readPackage, type Found } from './closure.js';
import { driversFor, type PackageJson, type Target } from './select.js';
import { placeGuestAgent } from './guest-agent.js';
import { writeTarball } from './tarball.js';
import { unitFiles } from './units/index.js';

export interface AssembleOptions {
  target: Target;
  /** The workspace root: apps/cli and apps/agent built there. */
  repo: string;
  /** Directory the build is written into (created). */
  out: string;
  tarball?: boolean;
  /** Where the tree will be installed, for the service units under share/capsule (default /opt/capsule). */
  prefix?: string;
}

export interface Build {
  dir: string;
  version: string;
  drivers: string[];
  packages: string[];
  tarball?: string;
}

const PROGRAMS = ['svcmgr', 'nodemgr', 'svcmon'];

/** Bare module names a bundle imports at run time (its externals), read from the bundle itself. */
export function bundleImports(distDir: string): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) {
        // A package name only (npm's characters), so that text in strings is not taken for an import.
        for (const m of readFileSync(p, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w./-]*)?)["']/g)) {
          const spec = m[1]!;
          if (spec.startsWith('node:')) continue;
          names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        }
      }
    }
  };
  walk(distDir);
  return [...names].sort();
}

function needBuilt(appDir: string): string {
  const dist = join(appDir, 'dist');
  if (!existsSync(join(dist, 'bin'))) throw new Error(`${relative(process.cwd(), appDir) || appDir} is not built: run pnpm build first`);
  return dist;
}

/**
 * What a package ships: a workspace package its `files` (dist) and
 * package.json, which must be built; a published one (it lives under a
 * node_modules) all but node_modules. Links are copied as what they point
 * to: a link into the workspace or the store would not survive the move.
 */
function copyPackage(p: Found, dest: string): void {
  mkdirSync(dest, { recursive: true });
  if (!p.dir.split(sep).includes('node_modules')) {
    cpSync(join(p.dir, 'package.json'), join(dest, 'package.json'));
    for (const f of p.pkg.files ?? ['dist']) {
      if (!existsSync(join(p.dir, f))) throw new Error(`${p.name} has no ${f} in ${p.dir}: run pnpm build first`);
      cpSync(join(p.dir, f), join(dest, f), { recursive: true, dereference: true });
    }
  } else {
    cpSync(p.dir, dest, { recursive: true, dereference: true, filter: (src) => !relative(p.dir, src).split(sep).includes('node_modules') });
  }
}

/** Runs the program from wherever the build is and however it is linked; no shell tool needed (readlink -f is not everywhere). */
function wrapper(prog: string): string {
  return `#!/usr/bin/env node
// ${prog} of this build: lib/ is beside bin/, wherever the tree was unpacked.
const { realpathSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
import(pathToFileURL(join(dirname(realpathSync(__filename)), '../lib/cli/dist/bin/${prog}.js')).href);
`;
}

function appPackage(pkg: PackageJson, target: Target, programs: string[], deps: Record<string, string>): string {
  return JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module', capsuleApp: { programs, platforms: [target] }, dependencies: deps }, null, 2) + '\n';
}

export async function assemble(o: AssembleOptions): Promise<Build> {
  const repo = realpathSync(o.repo);
  const cliDir = join(repo, 'apps/cli');
  const agentDir = join(repo, 'apps/agent');
  const [cliDist, agentDist] = [needBuilt(cliDir), needBuilt(agentDir)];
  const cli = readPackage(cliDir);
  const agent = readPackage(agentDir);
  const version = cli.version ?? '0.0.0';
  // The candidates are the apps' own driver dependencies, as discovery sees them.
  const candidates = (
    await Promise.all(
      Object.keys({ ...cli.dependencies, ...agent.dependencies }).map(async (n) => {
        const dir = (await locatePackage(cliDir, n)) ?? (await locatePackage(agentDir, n));
        return dir ? [readPackage(dir)] : [];
      }),
    )
  ).flat();
  const drivers = driversFor(o.target, candidates);
  const externals = [...new Set([...bundleImports(cliDist), ...bundleImports(agentDist)])];
  // Each app's packages as that app finds them; one copy of each in the build.
  const own = (pkg: PackageJson, names: string[]) => names.filter((n) => Object.hasOwn(pkg.dependencies ?? {}, n));
  const packages = await closure([
    { from: cliDir, names: [...own(cli, drivers), ...bundleImports(cliDist)] },
    { from: agentDir, names: [...own(agent, drivers), ...bundleImports(agentDist)] },
  ]);

  const dir = join(o.out, `capsule-${version}-${o.target}`);
  rmSync(dir, { recursive: true, force: true });
  const lib = join(dir, 'lib');
  for (const p of packages) copyPackage(p, join(lib, 'node_modules', p.name));
  const deps = Object.fromEntries([...drivers, ...externals].map((n) => [n, packages.find((p) => p.name === n)?.pkg.version ?? '*']));
  const agentHome = join(lib, 'node_modules/@capsule/agent');
  mkdirSync(agentHome, { recursive: true });
  cpSync(agentDist, join(agentHome, 'dist'), { recursive: true });
  writeFileSync(join(agentHome, 'package.json'), appPackage(agent, o.target, ['capsule-agent'], deps));
  mkdirSync(join(lib, 'cli'), { recursive: true });
  cpSync(cliDist, join(lib, 'cli/dist'), { recursive: true });
  writeFileSync(join(lib, 'cli/package.json'), appPackage(cli, o.target, PROGRAMS, { ...deps, '@capsule/agent': agent.version ?? version }));
  mkdirSync(join(dir, 'bin'));
  // The wrappers are CommonJS whatever package.json is above the place the build is unpacked to.
  writeFileSync(join(dir, 'bin/package.json'), '{ "type": "commonjs" }\n');
  for (const prog of PROGRAMS) {
    writeFileSync(join(dir, 'bin', prog), wrapper(prog), { mode: 0o755 });
    if (o.target === 'win32') writeFileSync(join(dir, 'bin', `${prog}.cmd`), `@node "%~dp0${prog}" %*\r\n`);
  }
  for (const u of unitFiles(o.target, { prefix: o.prefix ?? '/opt/capsule' })) {
    mkdirSync(join(dir, u.path, '..'), { recursive: true });
    writeFileSync(join(dir, u.path), u.text, { mode: u.mode });
  }
  // The guest agent is made from this tree's lib/ (a copy of the node running the build: linux builds on linux).
  if (o.target === 'linux') placeGuestAgent({ repo, dir });
  const build: Build = { dir, version, drivers, packages: packages.map((p) => p.name) };
  if (o.tarball) {
    build.tarball = `${dir}.tar.gz`;
    writeTarball(o.out, `capsule-${version}-${o.target}`, build.tarball);
  }
  return build;
}
