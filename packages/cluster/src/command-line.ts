// A command written in node.conf as one line (a fence agent and its
// arguments), split into argv the way a shell splits plain words: blanks
// separate, '...' quotes literally, "..." quotes with \" and \\ escaped, a
// backslash outside quotes escapes the next character. Nothing else is
// interpreted (no variables, globs, pipes or redirections) and no shell
// ever runs it, so a value cannot smuggle in a second command.

export type CommandLine = { argv: string[] } | { problem: string };

export function splitCommandLine(line: string): CommandLine {
  const argv: string[] = [];
  // A word may be empty ('' is an argument): `inWord` says whether one is open.
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (inWord) argv.push(word);
      [word, inWord] = ['', false];
    } else {
      inWord = true;
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch !== '\\') word += ch;
      else if (i + 1 < line.length) word += line[++i];
      else return { problem: 'a backslash ends the line: nothing to escape' };
    }
  }
  if (quote) return { problem: `a ${quote === '"' ? 'double' : 'single'} quote is not closed` };
  if (inWord) argv.push(word);
  if (!argv.length) return { problem: 'no command' };
  return { argv };
}
