// Command lines the way lvm2's getopt_long parsing reads them: short options
// may be glued to their value (-ay, -L8m), long ones take `--opt=value` or
// `--opt value`; anything unknown is lvm2's "Error during parsing of command
// line." with exit 3 (EINVALID_CMD_LINE).
import { fail } from './out.mjs';

/** short letter or long name -> canonical long name, and whether it takes a value. */
const OPTIONS = {
  a: ['activate', true], activate: ['activate', true],
  o: ['options', true], options: ['options', true],
  O: ['sort', true], sort: ['sort', true],
  n: ['name', true], name: ['name', true],
  L: ['size', true], size: ['size', true],
  l: ['extents', true], extents: ['extents', true],
  s: ['short', false],
  f: ['force', false], force: ['force', false],
  y: ['yes', false], yes: ['yes', false],
  q: ['quiet', false], quiet: ['quiet', false],
  v: ['verbose', false], verbose: ['verbose', false],
  addtag: ['addtag', true], deltag: ['deltag', true],
  noheadings: ['noheadings', false], nosuffix: ['nosuffix', false],
  separator: ['separator', true], units: ['units', true], aligned: ['aligned', false],
  activationmode: ['activationmode', true], select: ['select', true], S: ['select', true],
  reportformat: ['reportformat', true], config: ['config', true],
};

export function parse(tool, argv) {
  const opts = {};
  const operands = [];
  const add = (name, value) => {
    if (name === 'addtag' || name === 'deltag' || name === 'options') (opts[name] ??= []).push(value);
    else opts[name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--') && a.length > 2) {
      const [key, inline] = a.slice(2).split(/=(.*)/s, 2);
      const o = OPTIONS[key];
      if (!o || key.length === 1) bad(tool, `unrecognized option '--${key}'`);
      if (o[1]) add(o[0], inline ?? argv[++i] ?? bad(tool, `option '--${key}' requires an argument`));
      else add(o[0], true);
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const o = OPTIONS[a[j]];
        if (!o) bad(tool, `invalid option -- '${a[j]}'`);
        if (o[1]) {
          add(o[0], a.slice(j + 1) || (argv[++i] ?? bad(tool, `option requires an argument -- '${a[j]}'`)));
          break;
        }
        add(o[0], true);
      }
    } else operands.push(a);
  }
  return { opts, operands };
}

function bad(tool, what) {
  fail(3, `${tool}: ${what}\n  Error during parsing of command line.`);
}

/** lvm2's yes/no arguments (-a y, --activate n, -aey...). */
export function activation(tool, v) {
  if (/^(y|ay|ey|ly|sy)$/.test(v)) return true;
  if (/^(n|an|en|ln|sn)$/.test(v)) return false;
  return bad(tool, `Invalid argument for --activate: ${v}`);
}

/** tag_arg() in tools/lvmcmdline.c: one leading @ is dropped; then validate_tag()'s character set. */
export function tag(tool, v) {
  const t = v.startsWith('@') ? v.slice(1) : v;
  if (!/^[A-Za-z0-9_+.\-/=!:&#]+$/.test(t) || t.length > 1024) bad(tool, `Invalid argument for --addtag: ${v}`);
  return t;
}

/** `-L 8m`, `-L 1g`, `-L 16` (MiB, lvm2's default unit) to bytes. */
export function size(tool, v) {
  const m = /^(\d+(?:\.\d+)?)([bskmgtBSKMGT]?)$/.exec(v);
  if (!m) bad(tool, `Invalid argument for --size: ${v}`);
  const mult = { b: 1, s: 512, k: 1024, '': 1024 ** 2, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2].toLowerCase()];
  // Extents are 4 MiB: lvm2 rounds a size up to a whole extent ("Rounding up size to full physical extent").
  const ext = 4 * 1024 ** 2;
  return Math.ceil((Number(m[1]) * mult) / ext) * ext;
}
