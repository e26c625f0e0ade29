// Keyword specifications: how one `key = value` line of a section is parsed,
// defaulted and documented. Owned by the package that defines the keyword
// (config for core keywords, each driver for its own section keywords).
import { z } from 'zod';

/**
 * `P` (present) is true when the keyword always has a value after evaluation
 * (required, or defaulted): the typed section of a driver then has it as a
 * non-optional property.
 */
export interface KeywordSpec<T = unknown, N extends string = string, P extends boolean = boolean> {
  name: N;
  /** Parses the raw (reference-resolved) INI string into the typed value. */
  schema: z.ZodType<T, string>;
  default?: T;
  doc: string;
  /** May take `@node`, `@nodes`, `@encapnodes`... variants. */
  scopable: boolean;
  required: boolean;
  /** Always set after evaluation (required or defaulted). */
  present: P;
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

type Present<O> = O extends { required: true } ? true : O extends { default: unknown } ? true : false;

function spec<T, N extends string, O extends Options<T>>(name: N, schema: z.ZodType<T, string>, o: O): KeywordSpec<T, N, Present<O>> {
  return {
    name,
    schema,
    doc: o.doc,
    scopable: o.scopable ?? true,
    required: o.required ?? false,
    present: (o.required === true || o.default !== undefined) as Present<O>,
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
  string: <const N extends string, const O extends Options<string>>(name: N, o: O) => spec(name, z.string(), o),
  path: <const N extends string, const O extends Options<string>>(name: N, o: O) => spec(name, absolutePathFromString, o),
  choice: <const N extends string, const C extends readonly [string, ...string[]], const O extends Options<C[number]>>(name: N, candidates: C, o: O) =>
    spec<C[number], N, O>(name, z.string().trim().pipe(z.enum(candidates)) as unknown as z.ZodType<C[number], string>, { ...o, candidates }),
  bool: <const N extends string, const O extends Options<boolean>>(name: N, o: O) => spec(name, boolFromString, o),
  int: <const N extends string, const O extends Options<number>>(name: N, o: O) => spec(name, intFromString, o),
  list: <const N extends string, const O extends Options<string[]>>(name: N, o: O) => spec(name, listFromString, o),
  duration: <const N extends string, const O extends Options<number>>(name: N, o: O) => spec(name, durationFromString, o),
};

type ValueOf<S> = S extends KeywordSpec<infer T, string, boolean> ? T : never;

/** The typed section a driver's `create` receives: keywords always set are required properties. */
export type SectionConfig<K extends readonly KeywordSpec[]> = {
  [S in K[number] as S['present'] extends true ? S['name'] : never]: ValueOf<S>;
} & {
  [S in K[number] as S['present'] extends true ? never : S['name']]?: ValueOf<S>;
};
