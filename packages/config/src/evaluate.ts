// A document evaluated on one node: every keyword scoped, references
// resolved, parsed by its schema, defaults applied.
import { CapsuleError, isCapsuleError } from '@capsule/core';
import { Evaluator, type EvalContext } from './evaluator.js';
import type { ConfigDocument } from './reader.js';
import { sectionKind, type KeywordRegistry, type SectionKind } from './registry.js';
import type { NodeSets } from './scoping.js';

export interface EvaluatedSection {
  name: string;
  kind: SectionKind;
  /** Typed values, defaults included. */
  values: Record<string, unknown>;
}

export interface EvaluatedConfig {
  svcname: string;
  nodename: string;
  sets: NodeSets;
  sections: EvaluatedSection[];
  env: Record<string, string>;
}

export async function evaluateConfig(doc: ConfigDocument, registry: KeywordRegistry, ctx: EvalContext): Promise<EvaluatedConfig> {
  const ev = new Evaluator(doc, ctx);
  const fail = (line: number, section: string, keyword: string, e: unknown): never => {
    const why = isCapsuleError(e) ? e.message : (e as Error).message;
    throw new CapsuleError('ConfigInvalid', `${doc.file}:${line}: ${section}.${keyword}: ${why}`, {
      hint: `fix it, then check with \`svcmgr -s ${ctx.svcname} validate config\``,
      details: { file: doc.file, line, section, keyword },
    });
  };
  const sections = await Promise.all(
    doc.sections.map(async (s): Promise<EvaluatedSection> => {
      const kind = sectionKind(s.name);
      // No prototype: a keyword named __proto__ or constructor is just a keyword.
      const values: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      const type = kind.kind === 'resource' ? ev.get(s.name, 'type') : undefined;
      const specs = kind.kind === 'env' || kind.kind === 'unknown' ? undefined : await registry.sectionKeywords(kind, type);
      for (const keyword of new Set(s.entries.map((e) => e.keyword))) {
        const entry = ev.entry(s.name, keyword);
        if (!entry) continue;
        let raw: string | undefined;
        try {
          raw = ev.get(s.name, keyword);
        } catch (e) {
          fail(entry.line, s.name, entry.key, e);
        }
        const spec = specs?.get(keyword);
        if (!spec) {
          values[keyword] = raw;
          continue;
        }
        const r = spec.schema.safeParse(raw);
        if (!r.success) fail(entry.line, s.name, entry.key, new Error(r.error.issues.map((i) => i.message).join('; ')));
        else values[keyword] = r.data;
      }
      for (const spec of specs?.byName.values() ?? []) {
        if (!(spec.name in values) && spec.default !== undefined) values[spec.name] = spec.default;
      }
      return { name: s.name, kind, values };
    }),
  );
  const env = Object.fromEntries(Object.entries(sections.find((s) => s.kind.kind === 'env')?.values ?? {}).map(([k, v]) => [k, String(v)]));
  return { svcname: ctx.svcname, nodename: ctx.nodename, sets: ev.sets(), sections, env };
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
