// Resolves a subpath of a package's `exports` for a list of conditions, the
// way Node does, so the host can import a driver's entry without the package
// being resolvable from the host's own location.
export type ExportsField = string | null | ExportsField[] | { [key: string]: ExportsField };

function pick(target: ExportsField | undefined, conditions: readonly string[]): string | null | undefined {
  if (target === undefined) return undefined;
  if (target === null || typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const r = pick(t, conditions);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  // Object keys are tried in the package's order; the first listed condition we accept wins.
  for (const [key, value] of Object.entries(target)) {
    if (key === 'default' || conditions.includes(key)) {
      const r = pick(value, conditions);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** Returns the package-relative file for `subpath` ('.' or './keywords'), or undefined. */
export function resolveExport(
  pkg: { exports?: ExportsField; main?: string },
  subpath: string,
  conditions: readonly string[],
): string | undefined {
  const exp = pkg.exports;
  if (exp === undefined) return subpath === '.' ? (pkg.main ?? 'index.js') : undefined;
  const isSubpathMap = typeof exp === 'object' && exp !== null && !Array.isArray(exp) && Object.keys(exp).some((k) => k.startsWith('.'));
  const target = isSubpathMap ? (exp as Record<string, ExportsField>)[subpath] : subpath === '.' ? exp : undefined;
  return pick(target, conditions) ?? undefined;
}
