// A driver's state table: every word its tool prints for a guest's state,
// the capsule status it reads as, and why. The table is the driver's
// declaration: its status code reads states through it, the conformance
// suite puts a guest in every state and checks the status against it, and
// the driver's README shows it (a test keeps the two equal). A word the
// table does not hold is a state a newer tool added: warn with the tool's
// word, never up, never an exception.
import type { ResourceStatus } from '@capsule/core';

export interface StateRow {
  /** The tool's word (or flag string) for the state, exactly as printed. */
  word: string;
  status: 'up' | 'down' | 'warn';
  /** Why this status: what the state means for the service. */
  why: string;
  /** An up or down state worth a line in the status log (a crash, a leftover): its level. Plain up and down say nothing. */
  note?: 'info' | 'warn';
}

export type StateTable = readonly StateRow[];

/** The row of `word`, or undefined for a word the table does not know. */
export function stateRow(table: StateTable, word: string): StateRow | undefined {
  return table.find((r) => r.word === word);
}

/**
 * The status of a guest the tool says is in state `word`: the table's row,
 * with the word and the reason in the log unless the guest is plainly up or
 * down; an unknown word warns with the word.
 */
export function statusOfState(table: StateTable, subject: string, word: string, tool: string): ResourceStatus {
  const row = stateRow(table, word);
  if (!row) return { status: 'warn', log: [`warn: ${subject} is in a state capsule does not know: ${tool} says ${word}`] };
  const level = row.status === 'warn' ? 'warn' : row.note;
  return { status: row.status, log: level ? [`${level}: ${subject} is ${word} (${tool}): ${row.why}`] : [] };
}

/** The markdown table of a state table, as the driver's README shows it. */
export function stateTableMarkdown(table: StateTable): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return ['| state | status | why |', '|---|---|---|', ...table.map((r) => `| \`${cell(r.word)}\` | ${r.status} | ${cell(r.why)} |`)].join('\n');
}

/** The state table of a README: the rows under its `## States` heading. */
export function readmeStateTable(markdown: string): StateRow[] {
  const section = /^## States\b[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1] ?? '';
  const rows: StateRow[] = [];
  for (const line of section.split('\n')) {
    const m = /^\| `(.*?)` \| (up|down|warn) \| (.*) \|$/.exec(line.trim());
    if (m) rows.push({ word: m[1]!.replace(/\\\|/g, '|'), status: m[2] as StateRow['status'], why: m[3]!.replace(/\\\|/g, '|') });
  }
  return rows;
}
