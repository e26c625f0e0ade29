// capsule-dist's arguments: --platform P (required), --out DIR, --tar, --help.
import { isTarget, TARGETS, type Target } from './select.js';

export const USAGE = `usage: capsule-dist --platform ${TARGETS.join('|')} [--out DIR] [--tar]`;

export interface DistArgs {
  platform: Target;
  out?: string;
  tar: boolean;
}

export function parseDistArgs(argv: readonly string[]): DistArgs | 'help' {
  let platform: string | undefined;
  let out: string | undefined;
  let tar = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.startsWith('--') && argv[i]!.includes('=') ? [argv[i]!.slice(0, argv[i]!.indexOf('=')), argv[i]!.slice(argv[i]!.indexOf('=') + 1)] : [argv[i]!, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || v.startsWith('--')) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--platform') platform = value();
    else if (flag === '--out') out = value();
    else if (flag === '--tar' && inline === undefined) tar = true;
    else throw new Error(`unexpected ${argv[i]}`);
  }
  if (!platform) throw new Error('no platform given');
  if (!isTarget(platform)) throw new Error(`unknown platform ${platform}`);
  return { platform, ...(out ? { out } : {}), tar };
}
