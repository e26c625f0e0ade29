// A driver's keyword list, checked entry by entry when it is loaded.
import { keywordSpecProblems, type KeywordSpec } from '@capsule/core/keywords';
import type { DriverEntry } from './entry.js';
import { driverBroken } from './errors.js';

function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function checkKeywords(entry: DriverEntry, file: string, value: unknown): KeywordSpec[] {
  if (!Array.isArray(value)) throw driverBroken(entry, `${file} does not export a keywords array`);
  value.forEach((k: unknown, i) => {
    const problems = keywordSpecProblems(k);
    if (!problems.length) return;
    const why = problems.join('; ');
    throw driverBroken(entry, `${file}: keywords[${i}] (${show(k).slice(0, 60)}) is not a keyword spec (${why})`);
  });
  return value as KeywordSpec[];
}
