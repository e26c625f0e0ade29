// Finds candidate driver packages: the dependencies of each driver
// directory, then the app's own. Reads package.json files only. A file that
// cannot be read is a candidate with a problem, never a failure of the whole
// discovery: one broken package must not stop the others.
import { access, readFile, realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export type CandidateSource = 'app' | 'driver-dir';

export interface Candidate {
  name: string;
  /** Real directory of the package (the owner directory for an unreadable owner). */
  dir: string;
  source: CandidateSource;
  /** Parsed package.json; empty when it could not be read. */
  pkg: Record<string, unknown>;
  /** Why the package.json could not be read (the file is named). */
  problem?: string;
}

type Json = { pkg: Record<string, unknown> } | { problem: string } | undefined;

async function readJson(file: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { problem: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  try {
    const pkg: unknown = JSON.parse(text);
    if (pkg && typeof pkg === 'object' && !Array.isArray(pkg)) return { pkg: pkg as Record<string, unknown> };
    return { problem: `${file} does not hold a JSON object` };
  } catch (e) {
    return { problem: `${file} is not valid JSON (${(e as Error).message})` };
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

/**
 * Where `name` is installed as seen from `ownerDir`, following Node's
 * node_modules lookup by hand: Node's resolver refuses a package whose
 * package.json is broken, which would hide the package instead of reporting it.
 */
export async function locatePackage(ownerDir: string, name: string): Promise<string | undefined> {
  const req = createRequire(join(ownerDir, 'package.json'));
  for (const dir of req.resolve.paths(name) ?? []) {
    const candidate = join(dir, name);
    try {
      await access(join(candidate, 'package.json'));
      return await realpath(candidate);
    } catch {
      // not installed here: keep walking up
    }
  }
  return undefined;
}

async function fromOwner(ownerDir: string, source: CandidateSource): Promise<Candidate[]> {
  const owner = await readJson(join(ownerDir, 'package.json'));
  if (!owner) return [];
  if ('problem' in owner) return [{ name: join(ownerDir, 'package.json'), dir: ownerDir, source, pkg: {}, problem: `${owner.problem}: the drivers it lists are ignored` }];
  const found = await Promise.all(
    dependencyNames(owner.pkg).map(async (name): Promise<Candidate | undefined> => {
      const dir = await locatePackage(ownerDir, name);
      const json = dir ? await readJson(join(dir, 'package.json')) : undefined;
      if (!dir || !json) return undefined;
      return 'problem' in json ? { name, dir, source, pkg: {}, problem: json.problem } : { name, dir, source, pkg: json.pkg };
    }),
  );
  return found.filter((c): c is Candidate => c !== undefined);
}

/**
 * Driver directories in the order given, then the app's dependencies: a
 * driver installed by the administrator overrides the bundled one. The first
 * occurrence of a name wins.
 */
export async function findCandidates(appRoot: string | undefined, driverDirs: readonly string[]): Promise<Candidate[]> {
  const lists = await Promise.all([...driverDirs.map((d) => fromOwner(d, 'driver-dir')), appRoot ? fromOwner(appRoot, 'app') : Promise.resolve([])]);
  const seen = new Set<string>();
  return lists.flat().filter((c) => !seen.has(c.name) && seen.add(c.name));
}
