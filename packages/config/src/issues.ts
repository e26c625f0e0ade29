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

/** The first error-level issue as a CapsuleError, for callers that cannot go on. */
export function issuesError(issues: readonly ConfigIssue[]): CapsuleError | undefined {
  const errors = issues.filter((i) => i.severity === 'error');
  if (!errors.length) return undefined;
  const [first] = errors;
  return new CapsuleError('ConfigInvalid', errors.map(formatIssue).join('\n'), {
    hint: first!.hint ?? `fix ${first!.file} and run \`svcmgr validate config\``,
    details: { file: first!.file, line: first!.line, count: errors.length },
  });
}
