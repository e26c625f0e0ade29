// Writes a new driver package from the template: every file with its
// placeholders filled, the package.json built (package-json.mjs), the
// tsconfigs of the repository's own packages when --workspace.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { driverPackageJson } from './package-json.mjs';
import { fill } from './names.mjs';

const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const repo = join(pkgRoot, '../..');

/** The template and versions: packed beside the generator (prepack), or read from the capsule repository. */
export function templateSource() {
  const packed = join(pkgRoot, 'template');
  if (existsSync(packed)) return { dir: packed, versions: JSON.parse(readFileSync(join(pkgRoot, 'versions.json'), 'utf8')) };
  return { dir: join(repo, 'templates/driver'), versions: repoVersions() };
}

/** Current versions: the @capsule packages a driver uses, and the tools the kit is built and tested with. */
export function repoVersions() {
  /** @param {string} dir */
  const read = (dir) => JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8'));
  /** @type {Record<string, string>} */
  const versions = {};
  for (const dir of ['packages/core', 'packages/driver-kit', 'packages/transport', 'tooling/conformance']) {
    const p = read(dir);
    versions[p.name] = p.version;
  }
  const conformance = read('tooling/conformance').devDependencies;
  const preset = read('tooling/jest-preset').dependencies;
  for (const t of ['typescript', 'jest', '@types/jest', '@types/node', 'eslint']) versions[t] = conformance[t];
  for (const t of ['@swc/core', '@swc/jest']) versions[t] = preset[t];
  return versions;
}

/**
 * Files of the template, relative, `_gitignore` standing for `.gitignore` (npm drops .gitignore from a package).
 * @param {string} dir
 */
function templateFiles(dir) {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

/** Template files that only a package inside the capsule repository takes (its shared eslint config). */
const WORKSPACE_ONLY = new Set(['eslint.config.js']);
/** Files the repository's shared configs replace inside it. @type {Record<string, string>} */
const WORKSPACE_FILES = {
  'tsconfig.json': '{ "extends": "@capsule/tsconfig/check.json" }\n',
  'tsconfig.build.json': '{ "extends": "@capsule/tsconfig/build.json" }\n',
};

/**
 * @param {{ names: Record<string, string>, out: string, workspace: boolean, platforms: string[] }} o
 * @returns {Promise<string[]>} the files written, relative to `out`
 */
export async function generate(o) {
  if (existsSync(o.out) && (await readdir(o.out)).length > 0) throw new Error(`${o.out} exists and is not empty: choose a new directory with --out`);
  const { dir, versions } = templateSource();
  /** @type {string[]} */
  const written = [];
  /** @param {string} rel @param {string} text @param {number} mode */
  const put = async (rel, text, mode) => {
    const file = join(o.out, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    if (mode & 0o111) await chmod(file, 0o755);
    written.push(relative(o.out, file));
  };
  for (const rel of templateFiles(dir)) {
    if (!o.workspace && WORKSPACE_ONLY.has(rel)) continue;
    const target = fill(rel.replace(/__TOOL__/g, o.names.tool ?? '').replace(/(^|\/)_gitignore$/, '$1.gitignore'), o.names);
    const shared = o.workspace ? WORKSPACE_FILES[rel] : undefined;
    const text = shared ?? fill(await readFile(join(dir, rel), 'utf8'), o.names);
    await put(target, text, statSync(join(dir, rel)).mode);
  }
  const pkg = driverPackageJson(o.names, versions, { workspace: o.workspace, platforms: o.platforms });
  await put('package.json', `${JSON.stringify(pkg, null, 2)}\n`, 0o644);
  return written.sort();
}
