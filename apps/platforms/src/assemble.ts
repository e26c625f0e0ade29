// A per-platform build: the CLI and the agent bundles with the drivers that
// run on the target platform and everything they import at run time, laid
// out as one relocatable tree (optionally a tarball):
//
//   capsule-VERSION-PLATFORM/
//     bin/svcmgr, bin/nodemgr, bin/svcmon          sh wrappers
//     lib/cli/{package.json, dist/}                the CLI app: capsuleApp, its drivers
//     lib/node_modules/@capsule/agent/             the agent app, its drivers
//     lib/node_modules/...                         drivers, their deps, ssh2, zod
//
// Each app finds its drivers by its package.json dependencies, as in the
// workspace: discovery does not know it runs from a build.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { closure, locate, readPackage, type Found } from './closure.js';
import { driversFor, type PackageJson, type Target } from './select.js';

export interface AssembleOptions {
  target: Target;
  /** The workspace root: apps/cli and apps/agent built there. */
  repo: string;
  /** Directory the build is written into (created). */
  out: string;
  tarball?: boolean;
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
        for (const m of readFileSync(p, 'utf8').matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w./-]*)?)["']/g)) {
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

/** What a package ships: its `files` (dist) and package.json for a workspace package, all but node_modules for a published one. */
function copyPackage(p: Found, dest: string, repo: string): void {
  mkdirSync(dest, { recursive: true });
  const inWorkspace = !relative(repo, p.dir).startsWith('..') && !p.dir.includes(`${join('node_modules', '.pnpm')}`);
  if (inWorkspace) {
    cpSync(join(p.dir, 'package.json'), join(dest, 'package.json'));
    for (const f of p.pkg.files ?? ['dist']) if (existsSync(join(p.dir, f))) cpSync(join(p.dir, f), join(dest, f), { recursive: true });
  } else {
    cpSync(p.dir, dest, { recursive: true, filter: (src) => !relative(p.dir, src).split('/').includes('node_modules') });
  }
}

function appPackage(pkg: PackageJson, target: Target, programs: string[], deps: Record<string, string>): string {
  return JSON.stringify({ name: pkg.name, version: pkg.version, private: true, type: 'module', capsuleApp: { programs, platforms: [target] }, dependencies: deps }, null, 2) + '\n';
}

export function assemble(o: AssembleOptions): Build {
  const cliDir = join(o.repo, 'apps/cli');
  const agentDir = join(o.repo, 'apps/agent');
  const [cliDist, agentDist] = [needBuilt(cliDir), needBuilt(agentDir)];
  const cli = readPackage(cliDir);
  const agent = readPackage(agentDir);
  const version = cli.version ?? '0.0.0';
  // The candidates are the apps' own driver dependencies, as discovery sees them.
  const candidates = Object.keys({ ...cli.dependencies, ...agent.dependencies }).flatMap((n) => {
    const dir = locate(cliDir, n) ?? locate(agentDir, n);
    return dir ? [readPackage(dir)] : [];
  });
  const drivers = driversFor(o.target, candidates);
  const externals = [...new Set([...bundleImports(cliDist), ...bundleImports(agentDist)])].filter((n) => n !== '@capsule/agent');
  const packages = closure(cliDir, [...drivers, ...externals]);

  const dir = join(o.out, `capsule-${version}-${o.target}`);
  rmSync(dir, { recursive: true, force: true });
  const lib = join(dir, 'lib');
  for (const p of packages) copyPackage(p, join(lib, 'node_modules', p.name), o.repo);
  const deps = Object.fromEntries([...drivers, ...externals].map((n) => [n, packages.find((p) => p.name === n)?.pkg.version ?? '*']));
  const agentHome = join(lib, 'node_modules/@capsule/agent');
  mkdirSync(agentHome, { recursive: true });
  cpSync(agentDist, join(agentHome, 'dist'), { recursive: true });
  writeFileSync(join(agentHome, 'package.json'), appPackage(agent, o.target, ['capsule-agent'], deps));
  mkdirSync(join(lib, 'cli'), { recursive: true });
  cpSync(cliDist, join(lib, 'cli/dist'), { recursive: true });
  writeFileSync(join(lib, 'cli/package.json'), appPackage(cli, o.target, PROGRAMS, { ...deps, '@capsule/agent': agent.version ?? version }));
  mkdirSync(join(dir, 'bin'));
  for (const prog of PROGRAMS) {
    const f = join(dir, 'bin', prog);
    // readlink -f: the tree may be reached through a symlink (/usr/bin/svcmgr -> /opt/capsule/bin/svcmgr).
    writeFileSync(f, `#!/bin/sh\nhere=$(dirname "$(readlink -f "$0")")\nexec node "$here/../lib/cli/dist/bin/${prog}.js" "$@"\n`);
    chmodSync(f, 0o755);
  }
  const build: Build = { dir, version, drivers, packages: packages.map((p) => p.name) };
  if (o.tarball) {
    build.tarball = `${dir}.tar.gz`;
    execFileSync('tar', ['-czf', build.tarball, '-C', o.out, `capsule-${version}-${o.target}`]);
  }
  return build;
}
