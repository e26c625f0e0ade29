import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerFlags, writeTarball } from './tarball.js';

const NOBODY = 65534;
let out: string;
beforeEach(async () => (out = await mkdtemp(join(tmpdir(), 'capsule-tar-'))));
afterEach(() => rm(out, { recursive: true, force: true }));

test("an archive of a tree a non-root builder made: every entry root's (0/0), modes 755 and 644 whatever the builder's umask", async () => {
  // As a builder with umask 002 leaves it, owned by that builder.
  const tree = join(out, 'capsule-1.0.0-linux');
  await mkdir(join(tree, 'bin'), { recursive: true });
  await mkdir(join(tree, 'lib/cli'), { recursive: true });
  await writeFile(join(tree, 'bin/svcmgr'), '#!/usr/bin/env node\n', { mode: 0o775 });
  await writeFile(join(tree, 'lib/cli/package.json'), '{}\n', { mode: 0o664 });
  await writeFile(join(tree, 'lib/cli/private.js'), '\n', { mode: 0o600 });
  await symlink('svcmgr', join(tree, 'bin/svcmgr-link'));
  for (const p of ['', 'bin', 'bin/svcmgr', 'lib', 'lib/cli', 'lib/cli/package.json', 'lib/cli/private.js']) await chown(join(tree, p), NOBODY, NOBODY);
  await chmod(join(tree, 'lib'), 0o775);
  const tarball = join(out, 'capsule-1.0.0-linux.tar.gz');
  writeTarball(out, 'capsule-1.0.0-linux', tarball);
  const entries = execFileSync('tar', ['-tvzf', tarball], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.split(/\s+/))
    .map(([mode, owner, , , , name]) => `${mode} ${owner} ${name}`)
    .sort();
  expect(entries).toEqual([
    'drwxr-xr-x 0/0 capsule-1.0.0-linux/',
    'drwxr-xr-x 0/0 capsule-1.0.0-linux/bin/',
    '-rwxr-xr-x 0/0 capsule-1.0.0-linux/bin/svcmgr',
    'lrwxrwxrwx 0/0 capsule-1.0.0-linux/bin/svcmgr-link',
    'drwxr-xr-x 0/0 capsule-1.0.0-linux/lib/',
    'drwxr-xr-x 0/0 capsule-1.0.0-linux/lib/cli/',
    '-rw-r--r-- 0/0 capsule-1.0.0-linux/lib/cli/package.json',
    '-rw-r--r-- 0/0 capsule-1.0.0-linux/lib/cli/private.js',
  ].sort());
});

test.each([
  ['tar (GNU tar) 1.34', ['--owner=0', '--group=0', '--numeric-owner']],
  ['bsdtar 3.5.3 - libarchive 3.5.3', ['--uid', '0', '--gid', '0', '--numeric-owner']],
])('%s: the flags that make every entry root-owned', (version, flags) => {
  expect(ownerFlags(version)).toEqual(flags);
});
