// Keyword specifications: how one `key = value` line of a section is parsed,
// defaulted and documented. Owned by the package that defines the keyword
// (config for core keywords, each driver for its own section keywords).
// A value is one INI string: its parsers are a few lines each, not zod, so
// that a command that loads drivers does not load zod (14 MiB resident).

/** zod's `safeParse` result shape, so a zod schema can stand where a ValueSchema is asked. */
export type ParseResult<T> = { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ message: string }> } };

export interface ValueSchema<T> {
  /** Anything but a string is refused: a keyword's value is text. */
  safeParse(raw: unknown): ParseResult<T>;
  /** Throws a TypeError with the complaint. */
  parse(raw: unknown): T;
}

/**
 * A keyword's schema takes text: a zod schema of another input (`z.number()`)
 * would refuse every value, so its declared input type (Standard Schema's
 * `~standard.types.input`, which zod carries) must be a string.
 */
export type KeywordSchema<T> = ValueSchema<T> & { readonly '~standard'?: { readonly types?: { readonly input: string } | undefined } };

/** A keyword's value parser; `refine` adds a check, as zod's does. */
export class ValueParser<T> implements ValueSchema<T> {
  constructor(private readonly convert: (raw: string) => { value: T } | { problem: string }) {}

  safeParse(raw: unknown): ParseResult<T> {
    const r = typeof raw === 'string' ? this.convert(raw) : { problem: `expected text, got ${typeof raw}` };
    return 'problem' in r ? { success: false, error: { issues: [{ message: r.problem }] } } : { success: true, data: r.value };
  }

  parse(raw: unknown): T {
    const r = this.safeParse(raw);
    if (!r.success) throw new TypeError(r.error.issues.map((i) => i.message).join('; '));
    return r.data;
  }

  refine(ok: (value: T) => boolean, problem: string | ((value: T) => string)): ValueParser<T> {
    return new ValueParser((raw) => {
      const r = this.convert(raw);
      if ('problem' in r || ok(r.value)) return r;
      return { problem: typeof problem === 'string' ? problem : problem(r.value) };
    });
  }
}

/**
 * `P` (present) is true when the keyword always has a value after evaluation
 * (required, or defaulted): the typed section of a driver then has it as a
 * non-optional property.
 */
export interface KeywordSpec<T = unknown, N extends string = string, P extends boolean = boolean> {
  name: N;
  /** Parses the raw (reference-resolved) INI string into the typed value. */
  schema: KeywordSchema<T>;
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
  /**
   * What is wrong with a value its parser accepts, given the other keywords
   * of its section as the same node reads them (`netmask = 33` is a prefix
   * length, too long for an IPv4 `ipname`); undefined when nothing is.
   * `validate config` runs it, so an action never meets what it would refuse.
   */
  // A method: bivariant in `value`, so a KeywordSpec<string> is still a KeywordSpec<unknown>.
  check?(value: T, keyword: (name: string) => string | undefined): string | undefined;
}

/**
 * What is wrong with one entry of a driver's keyword list, checked when it
 * is loaded: a malformed entry is a DriverBroken naming the package, not a
 * TypeError later. Empty when it is a keyword spec.
 */
export function keywordSpecProblems(v: unknown): string[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return ['entry: expected an object'];
  const k = v as Record<string, unknown>;
  const out: string[] = [];
  if (typeof k['name'] !== 'string' || k['name'] === '') out.push('name: expected a non-empty string');
  if (typeof k['doc'] !== 'string') out.push('doc: expected a string');
  if (typeof k['scopable'] !== 'boolean') out.push('scopable: expected a boolean');
  if (typeof (k['schema'] as { safeParse?: unknown } | null)?.safeParse !== 'function') out.push('schema: expected a value schema (with safeParse)');
  if (k['check'] !== undefined && typeof k['check'] !== 'function') out.push('check: expected a function');
  return out;
}

interface Options<T> {
  doc: string;
  default?: T;
  scopable?: boolean;
  required?: boolean;
  candidates?: readonly string[];
  prefix?: boolean;
  check?: (value: T, keyword: (name: string) => string | undefined) => string | undefined;
}

type Present<O> = O extends { required: true } ? true : O extends { default: unknown } ? true : false;

function spec<T, N extends string, O extends Options<T>>(name: N, schema: ValueSchema<T>, o: O): KeywordSpec<T, N, Present<O>> {
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
    ...(o.check ? { check: o.check } : {}),
  };
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', '']);

export const stringFromString = new ValueParser<string>((s) => ({ value: s }));

export const boolFromString = new ValueParser<boolean>((s) => {
  const v = s.trim().toLowerCase();
  if (TRUE.has(v)) return { value: true };
  if (FALSE.has(v)) return { value: false };
  return { problem: `expected a boolean (true/false, yes/no), got "${s}"` };
});

export const intFromString = new ValueParser<number>((s) => {
  const v = s.trim();
  return /^[+-]?\d+$/.test(v) ? { value: Number(v) } : { problem: `expected an integer, got "${s}"` };
});

export const listFromString = new ValueParser<string[]>((s) => ({ value: s.split(/[\s,]+/).filter(Boolean) }));

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `30s`, `5m`, `1h30m` -> seconds. */
export const durationFromString = new ValueParser<number>((s) => {
  const v = s.trim();
  const parts = [...v.matchAll(/(\d+)([smhd]?)/g)];
  if (v === '' || parts.map((p) => p[0]).join('') !== v) return { problem: `expected a duration like 30, 30s, 5m or 1h30m, got "${s}"` };
  return { value: parts.reduce((acc, p) => acc + Number(p[1]) * UNIT_SECONDS[p[2]!]!, 0) };
});

/** An absolute path: a relative one would depend on the caller's working directory. */
export const absolutePathFromString = new ValueParser<string>((s) => {
  const v = s.trim();
  return v.startsWith('/') ? { value: v } : { problem: `expected an absolute path (starting with /), got "${v}"` };
});

/** One of `candidates`, surrounding blanks ignored. */
export function choiceFromString<const C extends readonly [string, ...string[]]>(candidates: C): ValueParser<C[number]> {
  return new ValueParser<C[number]>((s) => {
    const v = s.trim();
    return candidates.includes(v) ? { value: v } : { problem: `expected one of ${candidates.map((c) => `"${c}"`).join('|')}, got "${v}"` };
  });
}

export const kw = {
  string: <const N extends string, const O extends Options<string>>(name: N, o: O) => spec(name, stringFromString, o),
  path: <const N extends string, const O extends Options<string>>(name: N, o: O) => spec(name, absolutePathFromString, o),
  choice: <const N extends string, const C extends readonly [string, ...string[]], const O extends Options<C[number]>>(name: N, candidates: C, o: O) =>
    spec<C[number], N, O>(name, choiceFromString(candidates), { ...o, candidates }),
  bool: <const N extends string, const O extends Options<boolean>>(name: N, o: O) => spec(name, boolFromString, o),
  int: <const N extends string, const O extends Options<number>>(name: N, o: O) => spec(name, intFromString, o),
  list: <const N extends string, const O extends Options<string[]>>(name: N, o: O) => spec(name, listFromString, o),
  duration: <const N extends string, const O extends Options<number>>(name: N, o: O) => spec(name, durationFromString, o),
  /** A keyword with a value syntax of the driver's own (an app's `start`: a number, a boolean or a command). */
  parsed: <T, const N extends string, const O extends Options<T>>(name: N, parser: ValueSchema<T>, o: O) => spec<T, N, O>(name, parser, o),
};

type ValueOf<S> = S extends KeywordSpec<infer T, string, boolean> ? T : never;

/** The typed section a driver's `create` receives: keywords always set are required properties. */
export type SectionConfig<K extends readonly KeywordSpec[]> = {
  [S in K[number] as S['present'] extends true ? S['name'] : never]: ValueOf<S>;
} & {
  [S in K[number] as S['present'] extends true ? never : S['name']]?: ValueOf<S>;
};
