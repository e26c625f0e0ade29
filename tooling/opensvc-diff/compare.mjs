// The comparison of one keyword as OpenSVC and capsule evaluate it: pure, no I/O.

/** The kinds of difference, in the order the report lists them. */
export const KINDS = ['unknown', 'value', 'error-capsule', 'error-opensvc', 'unset-capsule'];

/** A value as text for comparing: lists as their words, booleans and numbers as written. */
function canon(v) {
  if (Array.isArray(v)) return v.map(canon).join(' ');
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** OpenSVC's sets come out sorted: a capsule list compares as a set when OpenSVC converted to one. */
function canonFor(v, convert) {
  return convert === 'set' && Array.isArray(v) ? canon([...v].map(canon).sort()) : canon(v);
}

/**
 * One comparison. `osvc` is a keyword of opensvc.json (value, text, error or
 * unset); `capsule` is what capsule said about the same line: its evaluated
 * value (has: true), its evaluation or validation error, or that it does not
 * know the keyword. Returns undefined when both read the line alike.
 */
export function compareKeyword(osvc, capsule) {
  if (capsule.unknown) return { kind: 'unknown', capsule: capsule.unknown };
  const capsuleError = capsule.error;
  if (osvc.error && capsuleError) return undefined;
  if (capsuleError) return { kind: 'error-capsule', capsule: capsuleError, opensvc: osvc.value ?? null };
  if (osvc.error) return { kind: 'error-opensvc', opensvc: osvc.error, capsule: capsule.value ?? null };
  if (osvc.unset) return undefined;
  if (!capsule.has) return { kind: 'unset-capsule', opensvc: osvc.value };
  const mine = canonFor(capsule.value, osvc.convert);
  if (mine === canonFor(osvc.value, osvc.convert)) return undefined;
  // A keyword capsule keeps as text (converted by its driver when used) reads alike when the text is OpenSVC's.
  if (typeof capsule.value === 'string' && capsule.value.trim() === String(osvc.text ?? '').trim()) return undefined;
  return { kind: 'value', opensvc: osvc.value, capsule: capsule.value };
}

/** What capsule said about `section.keyword`: from `print config --eval --format json` and `validate config --format json`. */
export function capsuleView(evaluated, issues, section, keyword) {
  const mine = issues.filter((i) => i.section === section && (i.keyword === keyword || i.keyword?.split('@')[0] === keyword));
  const unknown = mine.find((i) => i.severity === 'warning' && /^unknown keyword|^deprecated keyword .*, ignored/.test(i.message));
  if (unknown) return { unknown: unknown.message };
  const sec = evaluated.sections.find((s) => s.name === section);
  const evalError = sec?.errors?.[keyword];
  if (evalError) return { error: evalError.message.replace(/^.*?: [^:]+: /, '') };
  const error = mine.find((i) => i.severity === 'error');
  if (error) return { error: error.message };
  // A deprecated name is read as today's: OpenSVC's value is compared with today's keyword.
  // In [DEFAULT], a resource's old name (always_on) stays as written: it is the resources' default, not [DEFAULT]'s own.
  const renamed = section === 'DEFAULT' ? undefined : mine.map((i) => /^deprecated keyword \S+, use (\S+)/.exec(i.message)?.[1]).find(Boolean);
  const name = renamed ?? keyword;
  let values = sec?.values ?? {};
  if (section === 'DEFAULT' && ['nodes', 'drpnodes', 'encapnodes'].includes(name)) values = { ...values, [name]: evaluated.sets[name] };
  return Object.hasOwn(values, name) ? { has: true, value: values[name], ...(renamed ? { renamed } : {}) } : { has: false };
}

/** The summary of a run: comparisons, differences by kind. */
export function summarize(rows) {
  const byKind = Object.fromEntries(KINDS.map((k) => [k, rows.filter((r) => r.diff?.kind === k).length]));
  return { comparisons: rows.length, differences: rows.filter((r) => r.diff).length, byKind };
}
