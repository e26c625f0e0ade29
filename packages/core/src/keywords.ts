// Keyword specifications: how one `key = value` line of a section is parsed,
// defaulted and documented. Owned by the package that defines the keyword
// (config for core keywords, each driver for its own section keywords).
import { z } from 'zod';

export interface KeywordSpec<T = unknown> {
  name: string;
  /** Parses the raw (reference-resolved) INI string into the typed value. */
  schema: z.ZodType<T, string>;
  default?: T;
  doc: string;
  /** May take `@node`, `@nodes`, `@encapnodes`... variants. */
  scopable: boolean;
  required: boolean;
  candidates?: readonly string[];
  /** A family of keywords sharing a prefix (pre_start, post_stop...). */
  prefix?: boolean;
}

/**
 * What a driver's keyword list must hold, checked when it is loaded: a
 * malformed entry is a DriverBroken naming the package, not a TypeError later.
 */
export const KeywordSpecShape = z
  .object({
    name: z.string().min(1),
    doc: z.string(),
    scopable: z.boolean(),
    schema: z.custom<KeywordSpec['schema']>((v) => typeof (v as { safeParse?: unknown } | null)?.safeParse === 'function', 'schema must be a zod schema'),
  })
  .loose();

interface Options<T> {
  doc: string;
  default?: T;
  scopable?: boolean;
  required?: boolean;
  candidates?: readonly string[];
  prefix?: boolean;
}

function spec<T>(name: string, schema: z.ZodType<T, string>, o: Options<T>): KeywordSpec<T> {
  return {
    name,
    schema,
    doc: o.doc,
    scopable: o.scopable ?? true,
    required: o.required ?? false,
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.candidates ? { candidates: o.candidates } : {}),
    ...(o.prefix ? { prefix: true } : {}),
  };
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', '']);

export const boolFromString = z.string().transform((s, ctx) => {
  const v = s.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  ctx.addIssue({ code: 'custom', message: `expected a boolean (true/false, yes/no), got "${s}"` });
  return z.NEVER;
});

export const intFromString = z.string().transform((s, ctx) => {
  const v = s.trim();
  if (/^[+-]?\d+$/.test(v)) return Number(v);
  ctx.addIssue({ code: 'custom', message: `expected an integer, got "${s}"` });
  return z.NEVER;
});

export const listFromString = z.string().transform((s) => s.split(/[\s,]+/).filter(Boolean));

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `30s`, `5m`, `1h30m` -> seconds. */
export const durationFromString = z.string().transform((s, ctx) => {
  const v = s.trim();
  const parts = [...v.matchAll(/(\d+)([smhd]?)/g)];
  if (v === '' || parts.map((p) => p[0]).join('') !== v) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 30, 30s, 5m or 1h30m, got "${s}"` });
    return z.NEVER;
  }
  return parts.reduce((acc, p) => acc + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0);
});

/** An absolute path: a relative one would depend on the caller's working directory. */
export const absolutePathFromString = z
  .string()
  .trim()
  .refine((v) => v.startsWith('/'), { error: (i) => `expected an absolute path (starting with /), got "${String(i.input)}"` });

export const kw = {
  string: (name: string, o: Options<string>) => spec(name, z.string(), o),
  path: (name: string, o: Options<string>) => spec(name, absolutePathFromString, o),
  choice: (name: string, candidates: readonly [string, ...string[]], o: Options<string>) =>
    spec(name, z.string().trim().pipe(z.enum(candidates)), { ...o, candidates }),
  bool: (name: string, o: Options<boolean>) => spec(name, boolFromString, o),
  int: (name: string, o: Options<number>) => spec(name, intFromString, o),
  list: (name: string, o: Options<string[]>) => spec(name, listFromString, o),
  duration: (name: string, o: Options<number>) => spec(name, durationFromString, o),
};
