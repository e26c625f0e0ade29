// Man pages generated from what the programs and drivers declare, so they
// never lag behind: svcmgr(8), nodemgr(8) and svcmon(8) from the command
// tables; capsule.conf(5) from the keyword tables, every installed driver's
// included.
import type { KeywordSpec } from '@capsule/core';
import { commandName, type OptionSpec, type ProgramSpec } from './spec.js';

/** Text as roff reads it: backslashes and leading dots or quotes escaped. */
export const roff = (s: string) => s.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');

const option = (o: OptionSpec) => `\\fB${o.short ? `\\-${o.short}\\fR, \\fB` : ''}\\-\\-${roff(o.name)}\\fR${o.arg ? ` \\fI${roff(o.arg)}\\fR` : o.type === 'string' || o.type === 'number' ? ' \\fIVALUE\\fR' : ''}`;

function header(name: string, section: number, version: string, date: string, summary: string): string[] {
  return [`.TH ${name.toUpperCase()} ${section} "${date}" "capsule ${version}" "capsule"`, '.SH NAME', `${roff(name)} \\- ${roff(summary)}`];
}

export function programPage(p: ProgramSpec, version: string, date: string): string {
  const lines = [...header(p.name, 8, version, date, p.summary), '.SH SYNOPSIS', `\\fB${p.name}\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]`];
  lines.push('.SH DESCRIPTION', `${roff(p.summary)}.`);
  if (p.defaultCommand) lines.push(`Without a command, \\fB${roff(p.defaultCommand.join(' '))}\\fR.`);
  lines.push('.SH OPTIONS');
  for (const o of p.options) lines.push('.TP', option(o), `${roff(o.help)}${o.choices ? ` (${roff(o.choices.join(', '))})` : ''}.`);
  lines.push('.SH COMMANDS');
  for (const c of p.commands) {
    lines.push('.TP', `\\fB${roff(commandName(c))}\\fR${c.args ? ` \\fI${roff(c.args)}\\fR` : ''}`, `${roff(c.summary)}.${c.needsService ? ' Needs \\fB\\-s\\fR \\fISVC\\fR.' : ''}`);
    for (const o of c.options ?? []) lines.push('.RS', '.TP', option(o), `${roff(o.help)}${o.choices ? ` (${roff(o.choices.join(', '))})` : ''}.`, '.RE');
  }
  lines.push(
    '.SH ENVIRONMENT',
    '.TP',
    '\\fBCAPSULE_ROOT\\fR',
    'The root of the node\'s files (etc/capsule, var/lib/capsule, var/log/capsule); / by default.',
    '.TP',
    '\\fBCAPSULE_NODENAME\\fR',
    'This node\'s name; the host name by default.',
    '.SH EXIT STATUS',
    '0 on success; 1 on an error, printed with its code and a hint; 2 for a usage error; 130 when interrupted.',
    '.SH SEE ALSO',
    ['svcmgr', 'nodemgr', 'svcmon'].filter((x) => x !== p.name).map((x) => `\\fB${x}\\fR(8)`).join(', ') + ', \\fBcapsule.conf\\fR(5)',
  );
  return lines.join('\n') + '\n';
}

export interface KeywordSection {
  /** `DEFAULT`, `every resource section`, `container#N type = kvm`... */
  title: string;
  keywords: readonly KeywordSpec[];
}

const defaultText = (k: KeywordSpec) => (k.default === undefined ? '' : ` Default: ${roff(Array.isArray(k.default) ? k.default.join(' ') : typeof k.default === 'object' ? JSON.stringify(k.default) : String(k.default))}.`);

export function confPage(sections: readonly KeywordSection[], version: string, date: string): string {
  const lines = [
    ...header('capsule.conf', 5, version, date, 'the service files of capsule'),
    '.SH SYNOPSIS',
    '\\fI$CAPSULE_ROOT\\fR/etc/capsule/\\fISVC\\fR.conf',
    '.SH DESCRIPTION',
    'A service file is an INI file: a \\fB[DEFAULT]\\fR section for the service, one section per resource (\\fBip#0\\fR, \\fBfs#1\\fR, \\fBcontainer#0\\fR, \\fBapp#web\\fR...), \\fB[env]\\fR for values the others reference as {env.NAME}. A keyword marked scopable takes per-node values: \\fBnodes@encapnodes = vm1\\fR, \\fBip@hv2 = ...\\fR. A keyword a section does not know is reported by \\fBsvcmgr validate config\\fR.',
  ];
  for (const s of sections) {
    lines.push(`.SH ${roff(s.title.toUpperCase())}`);
    for (const k of [...s.keywords].sort((a, b) => a.name.localeCompare(b.name))) {
      const tags = [k.required ? 'required' : '', k.scopable ? 'scopable' : '', k.prefix ? 'a family: any keyword starting with it' : ''].filter(Boolean);
      const doc = /[.!?:)]$/.test(k.doc.trim()) ? k.doc.trim() : `${k.doc.trim()}.`;
      lines.push('.TP', `\\fB${roff(k.name)}\\fR${tags.length ? ` (${tags.join(', ')})` : ''}`, `${roff(doc)}${k.candidates?.length ? ` One of: ${roff(k.candidates.join(', '))}.` : ''}${defaultText(k)}`);
    }
  }
  lines.push('.SH SEE ALSO', '\\fBsvcmgr\\fR(8), \\fBnodemgr\\fR(8)');
  return lines.join('\n') + '\n';
}
