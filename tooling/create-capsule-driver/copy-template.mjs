// prepack: the published generator carries its template and the versions
// of capsule it writes, since the repository is not beside it any more.
// postpack (--remove): the copies go, so the generator run from the
// repository reads templates/driver itself, never a stale copy.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { repoVersions } from './src/generate.mjs';

const here = (/** @type {string} */ p) => fileURLToPath(new URL(p, import.meta.url));
rmSync(here('./template'), { recursive: true, force: true });
rmSync(here('./versions.json'), { force: true });
if (!process.argv.includes('--remove')) {
  cpSync(here('../../templates/driver'), here('./template'), { recursive: true });
  writeFileSync(here('./versions.json'), `${JSON.stringify(repoVersions(), null, 2)}\n`);
}
