// capsule-dist's arguments: --platform P (required), --out DIR, --tar,
// --prefix DIR, --deb [--system-node] [--revision N] [--gzip], --help.
import { isTarget, TARGETS, type Target } from './select.js';

export const USAGE = `usage: capsule-dist --platform ${TARGETS.join('|')} [--out DIR] [--prefix DIR] [--tar] [--deb [--system-node] [--revision N] [--gzip]]`;

export interface DistArgs {
  platform: Target;
  out?: string;
  /** Where the tree is to be installed: the service units run PREFIX/bin/nodemgr. */
  prefix?: string;
  tar: boolean;
  /** A Debian package (linux only): with this Node runtime inside, unless systemNode. */
  deb?: { systemNode: boolean; revision?: string; compression: 'xz' | 'gzip' };
}

export function parseDistArgs(argv: readonly string[]): DistArgs | 'help' {
  let platform: string | undefined;
  let out: string | undefined;
  let prefix: string | undefined;
  let tar = false;
  let deb = false;
  let systemNode = false;
  let gzip = false;
  let revision: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.startsWith('--') && argv[i]!.includes('=') ? [argv[i]!.slice(0, argv[i]!.indexOf('=')), argv[i]!.slice(argv[i]!.indexOf('=') + 1)] : [argv[i]!, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    const boolean = (): boolean => {
      if (inline !== undefined) throw new Error(`${flag} takes no value`);
      return true;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--platform') platform = value();
    else if (flag === '--out') out = value();
    else if (flag === '--prefix') prefix = value();
    else if (flag === '--tar') tar = boolean();
    else if (flag === '--deb') deb = boolean();
    else if (flag === '--system-node') systemNode = boolean();
    else if (flag === '--gzip') gzip = boolean();
    else if (flag === '--revision') revision = value();
    else throw new Error(`unexpected ${argv[i]}`);
  }
  if (!platform) throw new Error('no platform given');
  if (!isTarget(platform)) throw new Error(`unknown platform ${platform}`);
  if (!deb && (systemNode || gzip || revision)) throw new Error('--system-node, --revision and --gzip go with --deb');
  if (deb && platform !== 'linux') throw new Error('--deb builds a Debian package: --platform linux only');
  // Debian's revision: alphanumerics and + . ~ only (deb-version(7)).
  if (revision !== undefined && !/^[0-9A-Za-z+.~]+$/.test(revision)) throw new Error(`--revision ${revision}: only letters, digits and + . ~`);
  if (prefix !== undefined && !prefix.startsWith('/')) throw new Error(`--prefix ${prefix}: an absolute path`);
  if (deb && prefix !== undefined) throw new Error('--prefix goes with a tree or a tarball: the Debian package installs under /usr');
  return { platform, ...(out ? { out } : {}), ...(prefix ? { prefix } : {}), tar, ...(deb ? { deb: { systemNode, compression: gzip ? ('gzip' as const) : ('xz' as const), ...(revision ? { revision } : {}) } } : {}) };
}
