// What an app resource runs for an action, as OpenSVC reads `start`, `stop`,
// `check` and `info`: a number (a sequence: the launcher with the action's
// word), `true` (the launcher), `false` (nothing), or a command line (split
// as a shell would, or run by sh when it holds shell operators). Unset, the
// launcher runs when there is one (capsule's default; OpenSVC b2.1 runs
// nothing: see the README's "Coming from OpenSVC").

/** A parsed `start`/`stop`/`check`/`info` value. */
export type ActionValue = number | boolean | string;

const TRUE = new Set(['true', 'yes', 'y', 'on']);
const FALSE = new Set(['false', 'no', 'n', 'off']);

/** Pure: the value as OpenSVC tries it, integer first, then boolean, else a command line. */
export function parseActionValue(raw: string): { value: ActionValue } | { problem: string } {
  const v = raw.trim();
  if (v === '') return { problem: 'expected a sequence number, true/false, or a command line, got nothing' };
  if (/^[+-]?\d+$/.test(v)) return { value: Number(v) };
  const b = v.toLowerCase();
  if (TRUE.has(b)) return { value: true };
  if (FALSE.has(b)) return { value: false };
  return { value: v };
}

/** Shell operators that make a command line a shell script (OpenSVC runs those with a shell too). */
const SHELL = /[|&;<>`$(){}*?~]|\n/;

/**
 * Splits a command line as POSIX sh does words: blanks separate, single
 * quotes keep everything, double quotes keep all but `\` before `"`, `\`,
 * `$` and `` ` ``, a backslash outside quotes escapes the next character.
 * Undefined when a quote is left open.
 */
export function shellWords(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && '"\\$`'.includes(line[j + 1] ?? '')) j++;
        cur += line[j];
      }
      if (j >= line.length) return undefined;
      i = j;
      inWord = true;
    } else if (c === '\\') {
      cur += line[i + 1] ?? '';
      i++;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** Pure: the argv an action runs, or undefined for nothing. `verb` is the launcher's word (`status` for check). */
export function actionArgv(value: ActionValue | undefined, script: string | undefined, verb: string): string[] | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true || typeof value === 'number') return script ? [script, verb] : undefined;
  // Quotes outside a shell-looking line are split here: no shell, no surprise expansion.
  if (!SHELL.test(value.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, ''))) {
    const words = shellWords(value);
    if (words?.length) return words;
  }
  return ['/bin/sh', '-c', value];
}
