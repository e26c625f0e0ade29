// Output helpers: lvm2 indents its messages by two spaces and prints errors on stderr.

export function fail(code, message) {
  process.stderr.write(`${message.split('\n').map((l) => (l.startsWith('  ') || /^\w+: /.test(l) ? l : `  ${l}`)).join('\n')}\n`);
  process.exit(code);
}

export const say = (line) => process.stdout.write(`  ${line}\n`);
export const warn = (line) => process.stderr.write(`  ${line}\n`);

/** lvm2's --units h: two decimals, base 1024, lowercase unit, `<` when rounded down. */
export function human(bytes) {
  const units = ['m', 'g', 't', 'p'];
  let v = bytes / 1024 ** 2;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const r = Math.round(v * 100) / 100;
  return `${r < v ? '<' : ''}${r.toFixed(2)}${units[u]}`;
}
