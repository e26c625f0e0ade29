// Validation: walks a document against the keyword registry and reports every
// problem at once, as `file:line: section.keyword: message` issues.
import { closest, isCapsuleError, type KeywordSpec } from '@capsule/core';
import { Evaluator, type EvalContext } from './evaluator.js';
import type { ConfigIssue } from './issues.js';
import type { ConfigDocument, Entry, Section } from './reader.js';
import { RESOURCE_SECTION_GROUPS, sectionKind, type KeywordRegistry } from './registry.js';
import { SCOPE_GROUPS, USABLE_SCOPES, type ScopeGroup } from './scoping.js';

const NODE_SET_KEYWORDS = ['nodes', 'drpnodes', 'drpnode', 'encapnodes'];

/** Every node name the file mentions in a node-set keyword, whatever the scope. */
function knownNodes(doc: ConfigDocument, ev: Evaluator): Set<string> {
  const names = new Set<string>();
  const def = doc.sections.find((s) => s.name === 'DEFAULT');
  for (const e of def?.entries ?? []) {
    if (!NODE_SET_KEYWORDS.includes(e.keyword)) continue;
    let v = e.value;
    try {
      v = ev.resolve(e.value, 'DEFAULT');
    } catch {
      // reported on the entry itself
    }
    for (const n of v.split(/[\s,]+/)) if (n) names.add(n.toLowerCase());
  }
  return names;
}

export async function validateConfig(doc: ConfigDocument, registry: KeywordRegistry, ctx: EvalContext): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [...doc.issues];
  const push = (line: number, section: string, keyword: string | undefined, message: string, hint?: string) =>
    issues.push({ file: doc.file, line, section, ...(keyword ? { keyword } : {}), message, ...(hint ? { hint } : {}), severity: 'error' });
  const ev = new Evaluator(doc, ctx);
  const evaluators = new Map<string, Evaluator>([[ctx.nodename, ev]]);
  /** Type-check a scoped line as seen from a node it applies to. */
  const viewFor = (scope: string | undefined): Evaluator => {
    let node = ctx.nodename;
    if (scope && (SCOPE_GROUPS as readonly string[]).includes(scope)) {
      const v = ev.sets()[scope as ScopeGroup];
      node = (Array.isArray(v) ? v[0] : v) || node;
    } else if (scope) node = scope;
    let e = evaluators.get(node);
    if (!e) evaluators.set(node, (e = new Evaluator(doc, { ...ctx, nodename: node })));
    return e;
  };
  let nodes: Set<string>;
  try {
    nodes = knownNodes(doc, ev);
    ev.sets();
  } catch (e) {
    nodes = new Set();
    if (!isCapsuleError(e)) throw e;
    push(doc.sections.find((s) => s.name === 'DEFAULT')?.line ?? 1, 'DEFAULT', 'nodes', e.message, e.hint);
  }

  await Promise.all(
    doc.sections.map(async (section) => {
      const kind = sectionKind(section.name);
      if (kind.kind === 'unknown') {
        const group = /^([a-z]+)#/.exec(section.name)?.[1];
        push(section.line, section.name, undefined, group ? `unknown resource group "${group}"` : `unknown section [${section.name}]`, `sections are [DEFAULT], [env], [GROUP#INDEX] with GROUP one of ${RESOURCE_SECTION_GROUPS.join(', ')}, and [subset#GROUP:NAME]`);
        return;
      }
      if (kind.kind === 'env') {
        for (const e of section.entries) checkValue(section, e, undefined);
        return;
      }
      let type: string | undefined;
      let specsKnown = true;
      if (kind.kind === 'resource') {
        try {
          type = ev.get(section.name, 'type');
        } catch {
          // reported on the type line below
        }
        if (kind.group === 'container' && !type) {
          push(section.line, section.name, 'type', 'a container needs a type', 'set type = lxc (or kvm, zone...); `nodemgr drivers` lists what is installed');
        }
      }
      let keywords;
      try {
        keywords = await registry.sectionKeywords(kind, type);
      } catch (e) {
        if (!isCapsuleError(e)) throw e;
        const typeLine = section.entries.find((x) => x.keyword === 'type')?.line ?? section.line;
        push(typeLine, section.name, 'type', e.message, e.hint);
        keywords = await registry.sectionKeywords(kind, undefined).catch(() => undefined);
        specsKnown = false;
      }
      for (const e of section.entries) {
        const spec = keywords?.get(e.keyword);
        if (!spec) {
          if (specsKnown) {
            const near = closest(e.keyword, keywords?.names() ?? []);
            const known = keywords?.names() ?? [];
            push(e.line, section.name, e.key, `unknown keyword "${e.keyword}"`, near ? `did you mean "${near}"?` : `[${section.name}] accepts ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}`);
          }
          continue;
        }
        if (e.scope !== undefined && !checkScope(section, e, spec)) continue;
        checkValue(section, e, spec);
      }
      for (const spec of keywords?.byName.values() ?? []) {
        if (spec.required && !section.entries.some((e) => e.keyword === spec.name)) {
          push(section.line, section.name, spec.name, `missing required keyword ${spec.name}`, spec.doc);
        }
      }
    }),
  );

  function checkScope(section: Section, e: Entry, spec: KeywordSpec): boolean {
    const scope = e.scope!;
    const bad = (message: string, hint: string) => (push(e.line, section.name, e.key, message, hint), false);
    if (scope === '') return bad('empty scope after @', `write ${e.keyword}@NODE or ${e.keyword}@nodes, or drop the @`);
    if (!spec.scopable) return bad(`${e.keyword} cannot be scoped`, `set ${e.keyword} without @${scope}`);
    if ((SCOPE_GROUPS as readonly string[]).includes(scope)) {
      if (scope === e.keyword) return bad(`${e.keyword} cannot be scoped by itself`, `${e.keyword}@${scope} would depend on its own value; use a node name`);
      const usable = section.name === 'DEFAULT' && Object.hasOwn(USABLE_SCOPES, e.keyword) ? USABLE_SCOPES[e.keyword] : undefined;
      if (usable && !usable.includes(scope as ScopeGroup)) {
        return bad(`${e.keyword} cannot be scoped by @${scope}`, `${e.keyword} is computed before ${scope}; scope it by ${usable.length ? `@${usable.join(', @')} or ` : ''}node name`);
      }
      return true;
    }
    if (!nodes.has(scope)) {
      return bad(`scope target "${scope}" is neither a node of this service nor one of ${SCOPE_GROUPS.join(', ')}`, `add ${scope} to nodes, drpnodes or encapnodes, or fix the name`);
    }
    return true;
  }

  function checkValue(section: Section, e: Entry, spec: KeywordSpec | undefined): void {
    let value: string;
    try {
      value = viewFor(e.scope).resolve(e.value, section.name);
    } catch (err) {
      if (!isCapsuleError(err)) throw err;
      push(e.line, section.name, e.key, err.message, err.hint);
      return;
    }
    if (!spec) return;
    const r = spec.schema.safeParse(value);
    if (!r.success) push(e.line, section.name, e.key, r.error.issues.map((i) => i.message).join('; '), spec.doc);
  }

  return issues.sort((a, b) => a.line - b.line);
}
