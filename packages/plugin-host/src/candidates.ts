// Finds candidate driver packages: the app's own dependencies, then the
// dependencies of each driver directory. Reads package.json files only.
import { readFile, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type CandidateSource = 'app' | 'driver-dir';

export interface Candidate {
  name: string;
  /** Real directory of the package. */
  dir: string;
  source: CandidateSource;
  /** Parsed package.json. */
  pkg: Record<string, unknown>;
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function dependencyNames(pkg: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const field of ['dependencies', 'optionalDependencies']) {
    const deps = pkg[field];
    if (deps && typeof deps === 'object') for (const n of Object.keys(deps)) names.add(n);
  }
  return [...names];
}

/** Where `name` is installed as seen from `ownerDir`, following Node's node_modules lookup. */
async function locate(ownerDir: string, name: string): Promise<string | undefined> {
  const req = createRequire(join(ownerDir, 'package.json'));
  try {
    return dirname(await realpath(req.resolve(`${name}/package.json`)));
  } catch (e) {
    // A package that does not export ./package.json is still a candidate: walk node_modules ourselves.
    if ((e as NodeJS.ErrnoException).code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    for (const dir of req.resolve.paths(name) ?? []) {
      const found = await readJson(join(dir, name, 'package.json'));
      if (found) return realpath(join(dir, name));
    }
    return undefined;
  }
}

async function fromOwner(ownerDir: string, source: CandidateSource): Promise<Candidate[]> {
  const owner = await readJson(join(ownerDir, 'package.json'));
  if (!owner) return [];
  const found = await Promise.all(
    dependencyNames(owner).map(async (name) => {
      const dir = await locate(ownerDir, name);
      const pkg = dir ? await readJson(join(dir, 'package.json')) : undefined;
      return dir && pkg ? { name, dir, source, pkg } : undefined;
    }),
  );
  return found.filter((c): c is Candidate => c !== undefined);
}

/** App dependencies first, then driver directories in the order given; first occurrence of a name wins. */
export async function findCandidates(appRoot: string | undefined, driverDirs: readonly string[]): Promise<Candidate[]> {
  const lists = await Promise.all([
    appRoot ? fromOwner(appRoot, 'app') : Promise.resolve([]),
    ...driverDirs.map((d) => fromOwner(d, 'driver-dir')),
  ]);
  const seen = new Set<string>();
  return lists.flat().filter((c) => !seen.has(c.name) && seen.add(c.name));
}
