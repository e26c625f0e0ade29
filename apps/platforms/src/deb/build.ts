// A Debian package of a linux build (`capsule-dist --platform linux --deb`),
// made with dpkg-deb alone:
//
//   /usr/lib/capsule/VERSION/{bin,lib,node}   the build, and the Node runtime it runs on
//   /usr/lib/capsule/current -> VERSION       what /usr/bin/* and the unit run
//   /usr/bin/{svcmgr,nodemgr,svcmon}          links to current/bin
//   /lib/systemd/system/capsule.service       `nodemgr daemon run` (units/systemd.ts)
//   /etc/logrotate.d/capsule                  a conffile
//   /usr/share/man/man{5,8}, bash and zsh completion, /usr/share/doc/capsule
//
// One directory per version: the wrappers resolve their real path, so a
// program started before an upgrade keeps reading its own version's files
// while dpkg unpacks the next one beside it (a bundle loads chunks lazily).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Build } from '../assemble.js';
import { normalizeModes } from '../tarball.js';
import { logrotateConf, systemdUnit } from '../units/systemd.js';
import { controlFile, debArch } from './control.js';
import { postinst, postrm, prerm } from './scripts.js';

export interface DebOptions {
  /** An assembled linux build (assemble()). */
  build: Build;
  /** Where the .deb is written. */
  out: string;
  /** Debian revision, appended to the upstream version: 0.1.0-REVISION. */
  revision?: string;
  /** A Node binary to ship in the package; without it the package depends on Debian's nodejs (>= 20.11). */
  nodeRuntime?: string;
  /** The runtime's licence (found beside a packaged node when not given). */
  nodeLicense?: string;
  /** dpkg-deb's compressor: xz (smallest) or gzip (fastest). */
  compression?: 'xz' | 'gzip';
}

export interface Deb {
  file: string;
  version: string;
  /** Size of the installed tree, bytes. */
  installedBytes: number;
}

const PROGRAMS = ['svcmgr', 'nodemgr', 'svcmon'];
const PREFIX = '/usr/lib/capsule';

/** Node's licence: where Debian's and nodesource's packages and the official tarballs put it. */
function findNodeLicense(node: string): string | undefined {
  const prefix = dirname(dirname(node));
  return [join(prefix, 'share/doc/nodejs/LICENSE'), join(prefix, 'share/doc/node/LICENSE'), join(prefix, 'LICENSE'), '/usr/share/doc/nodejs/LICENSE'].find((f) => existsSync(f));
}

function put(root: string, path: string, text: string | Buffer, mode = 0o644): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
}

function sizeOf(path: string): number {
  const st = lstatSync(path);
  if (st.isDirectory()) return readdirSync(path).reduce((n, e) => n + sizeOf(join(path, e)), 4096);
  return st.isSymbolicLink() ? 0 : st.size;
}

function md5sums(root: string): string {
  const lines: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== join(root, 'DEBIAN')) walk(p);
      } else if (e.isFile()) lines.push(`${createHash('md5').update(readFileSync(p)).digest('hex')}  ${relative(root, p)}`);
    }
  };
  walk(root);
  return lines.join('\n') + '\n';
}

/** What a shipped program prints, run from the staged tree with no driver directory of this machine in sight. */
function runStaged(node: string, tree: string, args: string[]): string {
  const empty = mkdtempSync(join(tree, '..', '.capsule-root-'));
  try {
    return execFileSync(node, [join(tree, 'lib/cli/dist/bin/nodemgr.js'), ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_ROOT: empty } });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}

/** The zsh file: the bash-style script run through bashcompinit on first use, then the completion asked for. */
function zshCompletion(script: string): string {
  return `#compdef ${PROGRAMS.join(' ')}\n${script}\n_bash_complete -F _capsule_\${service}\n`;
}

export function buildDeb(o: DebOptions): Deb {
  const version = `${o.build.version}-${o.revision ?? '1'}`;
  const arch = debArch(process.arch);
  mkdirSync(o.out, { recursive: true });
  const staging = mkdtempSync(join(o.out, '.deb-'));
  try {
    const root = join(staging, 'root');
    const tree = join(root, PREFIX.slice(1), version);
    mkdirSync(dirname(tree), { recursive: true });
    // The tarball's units name its prefix: the package installs its own, for /usr.
    cpSync(o.build.dir, tree, { recursive: true, verbatimSymlinks: true, filter: (src) => src !== join(o.build.dir, 'share') });
    const license = o.nodeRuntime ? (o.nodeLicense ?? findNodeLicense(o.nodeRuntime)) : undefined;
    if (o.nodeRuntime) {
      if (!license) throw new Error(`no licence found for ${o.nodeRuntime}: give it with --node-license FILE`);
      copyFileSync(o.nodeRuntime, join(tree, 'node'));
      chmodSync(join(tree, 'node'), 0o755);
      // Each version's programs run on that version's runtime, whatever node is on PATH (Debian 12's is 18).
      for (const prog of PROGRAMS) {
        const file = join(tree, 'bin', prog);
        writeFileSync(file, readFileSync(file, 'utf8').replace(/^#!.*\n/, `#!${PREFIX}/${version}/node\n`));
      }
    }
    symlinkSync(version, join(root, PREFIX.slice(1), 'current'));
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    for (const prog of PROGRAMS) symlinkSync(`../lib/capsule/current/bin/${prog}`, join(root, 'usr/bin', prog));

    const node = o.nodeRuntime ? join(tree, 'node') : process.execPath;
    for (const page of PROGRAMS) put(root, `usr/share/man/man8/${page}.8.gz`, gzipSync(runStaged(node, tree, ['man', page]), { level: 9 }));
    put(root, 'usr/share/man/man5/capsule.conf.5.gz', gzipSync(runStaged(node, tree, ['man', 'capsule.conf']), { level: 9 }));
    const bash = runStaged(node, tree, ['completion', 'bash']);
    for (const prog of PROGRAMS) put(root, `usr/share/bash-completion/completions/${prog}`, bash);
    put(root, 'usr/share/zsh/vendor-completions/_capsule', zshCompletion(runStaged(node, tree, ['completion', 'zsh'])));

    put(root, 'lib/systemd/system/capsule.service', systemdUnit({ prefix: '/usr' }));
    put(root, 'etc/logrotate.d/capsule', logrotateConf());
    put(
      root,
      'usr/share/doc/capsule/copyright',
      [
        'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
        'Upstream-Name: capsule',
        '',
        'Files: *',
        'License: Apache-2.0',
        ' On Debian systems, the full text of the Apache License 2.0 is in',
        ' /usr/share/common-licenses/Apache-2.0.',
        ...(o.nodeRuntime ? ['', `Files: usr/lib/capsule/*/node`, 'License: Node.js', ' The Node.js runtime, with its licence in /usr/share/doc/capsule/node-LICENSE.'] : []),
        '',
      ].join('\n'),
    );
    if (license) copyFileSync(license, join(root, 'usr/share/doc/capsule/node-LICENSE'));

    normalizeModes(root);
    const installedBytes = sizeOf(root);
    const debian = join(root, 'DEBIAN');
    put(root, 'DEBIAN/control', controlFile({ version, arch, installedKiB: Math.ceil(installedBytes / 1024), bundledNode: !!o.nodeRuntime }));
    put(root, 'DEBIAN/conffiles', '/etc/logrotate.d/capsule\n');
    put(root, 'DEBIAN/md5sums', md5sums(root));
    for (const [name, text] of [['postinst', postinst()], ['prerm', prerm()], ['postrm', postrm()]] as const) put(root, `DEBIAN/${name}`, text, 0o755);
    chmodSync(debian, 0o755);

    const file = join(o.out, `capsule_${version}_${arch}.deb`);
    execFileSync('dpkg-deb', ['--root-owner-group', `-Z${o.compression ?? 'xz'}`, '--build', root, file], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { file, version, installedBytes };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
