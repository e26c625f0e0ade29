// A document evaluated on one node: every keyword scoped, references
// resolved, parsed by its schema, defaults applied.
import { CapsuleError, isCapsuleError } from '@capsule/core';
import { Evaluator, inheritsFromDefault, type EvalContext } from './evaluator.js';
import { deprecation } from './deprecated.js';
import type { ConfigDocument, Section } from './reader.js';
import { sectionKind, type KeywordRegistry, type SectionKeywords, type SectionKind } from './registry.js';
import type { NodeSets } from './scoping.js';

export interface EvaluatedSection {
  name: string;
  kind: SectionKind;
  /** Typed values, defaults included. */
  values: Record<string, unknown>;
  /**
   * Keywords that could not be evaluated (broken reference, bad value, driver
   * not installed for `type`), each a ConfigInvalid error at its file:line.
   * The other keywords are still read; whatever needs one of these fails with it.
   */
  errors: Record<string, CapsuleError>;
}

export interface EvaluatedConfig {
  svcname: string;
  nodename: string;
  sets: NodeSets;
  sections: EvaluatedSection[];
  env: Record<string, string>;
}

/** No prototype: a keyword named __proto__ or constructor is just a keyword. */
const record = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** The keywords a section has a value for: its own lines (deprecated names under today's), and [DEFAULT] fallbacks it accepts. */
function keywordsOf(doc: ConfigDocument, s: Section, specs: SectionKeywords | undefined): Set<string> {
  const out = new Set<string>();
  for (const e of s.entries) {
    const d = deprecation(s.name, e.keyword);
    if (!d) out.add(e.keyword);
    else if (d.now) out.add(d.now);
  }
  if (specs && s.name !== 'DEFAULT') {
    const def = doc.sections.find((x) => x.name === 'DEFAULT');
    for (const e of def?.entries ?? []) {
      // Under the name the resource section gives it: [DEFAULT] always_on is a resource's standby.
      const name = deprecation(s.name, e.keyword)?.now ?? e.keyword;
      if (inheritsFromDefault(s.name, name) && specs.get(name)) out.add(name);
    }
  }
  return out;
}

export async function evaluateConfig(doc: ConfigDocument, registry: KeywordRegistry, ctx: EvalContext): Promise<EvaluatedConfig> {
  const ev = new Evaluator(doc, ctx);
  const asError = (line: number, section: string, keyword: string, e: unknown): CapsuleError => {
    if (!isCapsuleError(e) && !(e instanceof Error)) throw e;
    return new CapsuleError('ConfigInvalid', `${doc.file}:${line}: ${section}.${keyword}: ${e.message}`, {
      hint: isCapsuleError(e) && e.hint ? e.hint : `fix it, then check with \`svcmgr -s ${ctx.svcname} validate config\``,
      details: { file: doc.file, line, section, keyword, ...(isCapsuleError(e) ? { cause: e.code } : {}) },
    });
  };
  const sets = ev.sets();
  const sections = await Promise.all(
    doc.sections.map(async (s): Promise<EvaluatedSection> => {
      const kind = sectionKind(s.name);
      const values = record<unknown>();
      const errors = record<CapsuleError>();
      let type: string | undefined;
      let specs: SectionKeywords | undefined;
      try {
        if (kind.kind === 'resource') type = ev.get(s.name, 'type');
        if (kind.kind !== 'env' && kind.kind !== 'unknown') specs = await registry.sectionKeywords(kind, type);
      } catch (e) {
        errors['type'] = asError(ev.entry(s.name, 'type')?.line ?? s.line, s.name, 'type', e);
      }
      for (const keyword of keywordsOf(doc, s, specs)) {
        const entry = ev.source(s.name, keyword);
        if (!entry) continue;
        let raw: string | undefined;
        try {
          raw = ev.get(s.name, keyword);
        } catch (e) {
          errors[keyword] = asError(entry.line, s.name, entry.key, e);
          continue;
        }
        // OpenSVC's always_on names node sets (`nodes drpnodes`), today's standby is a boolean: this node in them or not.
        if (keyword === 'standby' && entry.keyword === 'always_on' && raw !== undefined) raw = alwaysOn(raw, sets, ctx.nodename);
        const spec = specs?.get(keyword);
        if (!spec) {
          values[keyword] = raw;
          continue;
        }
        const r = spec.schema.safeParse(raw);
        if (r.success) values[keyword] = r.data;
        else errors[keyword] = asError(entry.line, s.name, entry.key, new Error(r.error.issues.map((i) => i.message).join('; ')));
      }
      for (const spec of specs?.byName.values() ?? []) {
        if (!(spec.name in values) && !(spec.name in errors) && spec.default !== undefined) values[spec.name] = spec.default;
      }
      // `tags = encap` and `encap = true` say the same (as in OpenSVC): the evaluated value says it whichever is written.
      if (kind.kind === 'resource' && Array.isArray(values['tags']) && values['tags'].includes('encap')) values['encap'] = true;
      return { name: s.name, kind, values, errors };
    }),
  );
  const env = Object.fromEntries(Object.entries(sections.find((s) => s.kind.kind === 'env')?.values ?? {}).map(([k, v]) => [k, String(v)]));
  return { svcname: ctx.svcname, nodename: ctx.nodename, sets, sections, env };
}

const BOOLEAN_WORD = /^(true|false|yes|no|on|off|0|1)$/i;

/** `always_on = nodes drpnodes` (OpenSVC): standby on the nodes of those sets, or of those names; a boolean as written. */
export function alwaysOn(raw: string, sets: NodeSets, nodename: string): string {
  const words = raw.split(/[\s,]+/).filter(Boolean);
  if (words.length === 1 && BOOLEAN_WORD.test(words[0]!)) return raw;
  const on = words.some((w) => (w === 'nodes' || w === 'drpnodes' || w === 'encapnodes' ? sets[w].includes(nodename) : w === nodename));
  return on ? 'true' : 'false';
}

/** Every keyword that could not be evaluated, in file order. */
export function evaluationErrors(cfg: EvaluatedConfig): CapsuleError[] {
  return cfg.sections.flatMap((s) => Object.values(s.errors)).sort((a, b) => Number(a.details['line']) - Number(b.details['line']));
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.join(' ');
  return String(v);
}

/** `print config --eval`: the file as this node reads it. */
export function renderEvaluated(cfg: EvaluatedConfig): string {
  const out: string[] = [];
  for (const s of cfg.sections) {
    const values = s.kind.kind === 'default' ? { ...s.values, nodes: cfg.sets.nodes, drpnodes: cfg.sets.drpnodes, encapnodes: cfg.sets.encapnodes } : s.values;
    out.push(`[${s.name}]`);
    for (const [k, v] of Object.entries(values)) if (v !== undefined && !(Array.isArray(v) && v.length === 0)) out.push(`${k} = ${show(v)}`);
    out.push('');
  }
  return out.join('\n');
}
