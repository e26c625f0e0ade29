import { parseArgs } from './argv.js';
import { commandHelp, programHelp } from './help.js';
import { nodemgr, svcmgr, svcmon } from './index.js';
import type { ProgramSpec } from './spec.js';

const programs: ProgramSpec[] = [svcmgr, nodemgr, svcmon];
const everyCommand = programs.flatMap((p) => p.commands.map((c) => [p.name, c.words.join(' '), p, c] as const));

test.each(programs.map((p) => [p.name, p] as const))('%s --help lists every command and global option', (_n, p) => {
  const text = programHelp(p);
  for (const c of p.commands) expect(text).toContain(c.words.join(' '));
  for (const o of p.options) expect(text).toContain(`--${o.name}`);
});

test.each(everyCommand)('%s %s --help shows usage and its options', (_p, words, p, c) => {
  const parsed = parseArgs(p, [...c.words, '--help']);
  expect(parsed.help).toBe(true);
  expect(parsed.command).toBe(c);
  const text = commandHelp(p, c);
  expect(text.split('\n')[0]).toContain(`${p.name}${c.needsService ? ' -s SVC' : ''} ${words}`);
  for (const o of c.options ?? []) expect(text).toContain(`--${o.name}`);
});

test('option names have one meaning per program, so values parse before the command is known', () => {
  for (const p of programs) {
    const seen = new Map<string, string>();
    for (const o of [...p.options, ...p.commands.flatMap((c) => c.options ?? [])]) {
      const prev = seen.get(o.name);
      if (prev) expect(o.type).toBe(prev);
      seen.set(o.name, o.type);
    }
  }
});
