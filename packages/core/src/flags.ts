// The 4-character flags column of `print status`: M monitored, D disabled,
// O optional, E encap; a dot where the flag is unset.

export interface ResourceFlags {
  monitor: boolean;
  disable: boolean;
  optional: boolean;
  encap: boolean;
}

const COLUMNS: ReadonlyArray<readonly [keyof ResourceFlags, string]> = [
  ['monitor', 'M'],
  ['disable', 'D'],
  ['optional', 'O'],
  ['encap', 'E'],
];

export function renderFlags(flags: Partial<ResourceFlags>): string {
  return COLUMNS.map(([key, letter]) => (flags[key] ? letter : '.')).join('');
}

export function parseFlags(text: string): ResourceFlags {
  if (text.length !== COLUMNS.length) throw new Error(`flags must be ${COLUMNS.length} characters, got "${text}"`);
  const out = { monitor: false, disable: false, optional: false, encap: false };
  COLUMNS.forEach(([key, letter], i) => {
    const c = text[i];
    if (c === letter) out[key] = true;
    else if (c !== '.') throw new Error(`flag column ${i + 1} must be "${letter}" or ".", got "${c}"`);
  });
  return out;
}
