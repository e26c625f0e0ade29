// Config problems: one shape for syntax and validation issues, one format
// (`file:line: section.keyword: message`), one error code when fatal.
import { CapsuleError } from '@capsule/core';

export interface ConfigIssue {
  file: string;
  line: number;
  section?: string;
  keyword?: string;
  message: string;
  hint?: string;
  severity: 'error' | 'warning';
  /** The error code when the issue is a keyword's evaluation failure (ConfigReferenceUnknown...). */
  code?: string;
}

export function formatIssue(i: ConfigIssue): string {
  const where = [i.section, i.keyword].filter(Boolean).join('.');
  const level = i.severity === 'warning' ? 'warning: ' : '';
  return `${i.file}:${i.line}: ${where ? `${where}: ` : ''}${level}${i.message}${i.hint ? `\n  hint: ${i.hint}` : ''}`;
}

/**
 * Errors that make any action on the file wrong. A keyword whose value cannot
 * be evaluated (broken reference...) is not one: evaluation records it on the
 * keyword, and only what needs that keyword fails.
 */
export function blockingIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return issues.filter((i) => i.severity === 'error' && i.code === undefined);
}

export function syntaxError(file: string, line: number, message: string, hint?: string): CapsuleError {
  return new CapsuleError('ConfigSyntax', `${file}:${line}: ${message}`, { ...(hint ? { hint } : {}), details: { file, line } });
}

/**
 * One error for a file that cannot be used, or undefined when nothing stops
 * it. Its message is every issue with its own hint, as `validate config`
 * prints them, errors first; the warnings stay because one often explains an
 * error (`ipdve`: did you mean `ipdev`? explains the missing `ipdev`). Its
 * own hint says what to do next, never an issue's hint again.
 */
export function issuesError(issues: readonly ConfigIssue[], hint = 'fix the lines named above'): CapsuleError | undefined {
  const errors = issues.filter((i) => i.severity === 'error');
  if (!errors.length) return undefined;
  const [first] = errors;
  const shown = [...errors, ...issues.filter((i) => i.severity !== 'error')];
  return new CapsuleError('ConfigInvalid', shown.map(formatIssue).join('\n'), {
    hint,
    details: { file: first!.file, line: first!.line, count: errors.length },
  });
}
