// Validation: walks a document against the keyword registry and reports every
// problem at once, as `file:line: section.keyword: message` issues.
import { closest, isCapsuleError, type CapsuleError, type KeywordSpec } from '@capsule/core';
import { deprecation } from './deprecated.js';
import { alwaysOn } from './evaluate.js';
import { Evaluator, inheritsFromDefault, type EvalContext } from './evaluator.js';
import type { ConfigIssue } from './issues.js';
import type { ConfigDocument, Entry, Section } from './reader.js';
import { RESOURCE_SECTION_GROUPS, sectionKind, type KeywordRegistry, type SectionKeywords } from './registry.js';
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

type Table = { keywords?: SectionKeywords; error?: CapsuleError };

export async function validateConfig(doc: ConfigDocument, registry: KeywordRegistry, ctx: EvalContext): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [...doc.issues];
  const push = (line: number, section: string, keyword: string | undefined, message: string, hint?: string, severity: ConfigIssue['severity'] = 'error', code?: string) =>
    issues.push({ file: doc.file, line, section, ...(keyword ? { keyword } : {}), message, ...(hint ? { hint } : {}), severity, ...(code ? { code } : {}) });
  const warn = (line: number, section: string, keyword: string | undefined, message: string, hint?: string) => push(line, section, keyword, message, hint, 'warning');
  const ev = new Evaluator(doc, ctx);
  const evaluators = new Map<string, Evaluator>([[ctx.nodename, ev]]);
  const checked = new Map<KeywordSpec, Map<string, string | undefined>>();
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
  const defaultSection = doc.sections.find((s) => s.name === 'DEFAULT');
  let nodes: Set<string>;
  // Every value depends on the node sets: when they cannot be computed, that is said once, not on every keyword.
  let setsBroken = false;
  try {
    nodes = knownNodes(doc, ev);
    ev.sets();
  } catch (e) {
    nodes = new Set();
    if (!isCapsuleError(e)) throw e;
    setsBroken = true;
    const line = typeof e.details['line'] === 'number' ? e.details['line'] : (defaultSection?.line ?? 1);
    const entry = defaultSection?.entries.find((x) => x.line === line);
    push(line, 'DEFAULT', entry?.key ?? 'nodes', e.message, e.hint);
  }

  // Each section's kind and type, then each keyword table once: thousands of sections share a few tables.
  const plans = doc.sections.map((section) => {
    const kind = sectionKind(section.name);
    let type: string | undefined;
    let typeError: CapsuleError | undefined;
    // Most sections have no type line: no evaluation (and no memo entry) for them.
    if (kind.kind === 'resource' && !setsBroken && section.entries.some((e) => e.keyword === 'type')) {
      try {
        type = ev.get(section.name, 'type');
      } catch (e) {
        if (!isCapsuleError(e)) throw e;
        typeError = e;
      }
    }
    return { section, kind, type, typeError, key: `${section.name.split('#')[0]}.${type ?? ''}` };
  });
  const tables = new Map<string, Table>();
  await Promise.all(
    plans.map(async (p) => {
      if (p.kind.kind === 'unknown' || p.kind.kind === 'env' || tables.has(p.key)) return;
      tables.set(p.key, {});
      const t: Table = {};
      try {
        t.keywords = await registry.sectionKeywords(p.kind, p.type);
      } catch (e) {
        if (!isCapsuleError(e)) throw e;
        t.error = e;
        t.keywords = await registry.sectionKeywords(p.kind, undefined).catch(() => undefined);
      }
      tables.set(p.key, t);
    }),
  );
  /** A [DEFAULT] keyword that [DEFAULT] does not define is fine when a resource section of the file takes it as its default. */
  const defaultForResources = (keyword: string) =>
    plans.some((p) => {
      // Under the name the resource section gives it: [DEFAULT] always_on is a resource's standby.
      const name = deprecation(p.section.name, keyword)?.now ?? keyword;
      return p.kind.kind === 'resource' && inheritsFromDefault(p.section.name, name) && tables.get(p.key)?.keywords?.get(name) !== undefined;
    });

  for (const { section, kind, type, typeError, key } of plans) {
    if (kind.kind === 'unknown') {
      const group = /^([a-z]+)#/.exec(section.name)?.[1];
      warn(section.line, section.name, undefined, `${group ? `unknown resource group "${group}"` : `unknown section [${section.name}]`}, ignored`, `sections are [DEFAULT], [env], [GROUP#INDEX] with GROUP one of ${RESOURCE_SECTION_GROUPS.join(', ')}, and [subset#GROUP:NAME]`);
      continue;
    }
    if (kind.kind === 'env') {
      for (const e of section.entries) checkValue(section, e, undefined);
      continue;
    }
    const typeLine = section.entries.find((x) => x.keyword === 'type')?.line ?? section.line;
    if (typeError) push(typeLine, section.name, 'type', typeError.message, typeError.hint, 'error', typeError.code);
    else if (kind.kind === 'resource' && kind.group === 'container' && !setsBroken && !type) {
      push(section.line, section.name, 'type', 'a container needs a type', 'set type = lxc (or kvm, zone...); `nodemgr drivers` lists what is installed');
    }
    const table = tables.get(key) ?? {};
    const keywords = table.keywords;
    const unchecked: string[] = [];
    for (const e of section.entries) {
      const d = deprecation(section.name, e.keyword);
      if (d) {
        warn(e.line, section.name, e.key, d.now ? `deprecated keyword ${e.keyword}, use ${d.now}` : `deprecated keyword ${e.keyword}, ignored`, d.now ? `rename it to ${d.now}${e.scope !== undefined ? `@${e.scope}` : ''}` : 'remove it');
        if (!d.now) continue;
      }
      const spec = keywords?.get(d?.now ?? e.keyword);
      if (!spec) {
        if (table.error) unchecked.push(e.keyword);
        else if (kind.kind === 'default' && defaultForResources(e.keyword)) {
          // A resource's old name (always_on) written in [DEFAULT] is said to be old there too.
          const now = deprecation('resource#0', e.keyword)?.now;
          if (now) warn(e.line, section.name, e.key, `deprecated keyword ${e.keyword}, use ${now}`, `rename it to ${now}${e.scope !== undefined ? `@${e.scope}` : ''}`);
          checkValue(section, e, undefined);
          continue;
        } else {
          const known = keywords?.names() ?? [];
          const near = closest(e.keyword, known);
          warn(e.line, section.name, e.key, `unknown keyword "${e.keyword}", ignored`, near ? `did you mean "${near}"?` : `[${section.name}] accepts ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}`);
        }
        // Its references are still checked: a broken one would break what refers to this keyword.
        checkValue(section, e, undefined);
        continue;
      }
      if (e.scope !== undefined && !checkScope(section, e, spec)) continue;
      checkValue(section, e, spec);
    }
    if (table.error) {
      // The driver is not installed here: the file is still valid to store (a config replicated to every node must be).
      const list = unchecked.filter((k) => k !== 'type');
      warn(typeLine, section.name, 'type', table.error.message, `${table.error.hint ?? 'install the driver'}${list.length ? `; until then ${list.join(', ')} ${list.length > 1 ? 'are' : 'is'} not checked` : ''}`);
    }
    for (const spec of keywords?.byName.values() ?? []) {
      if (spec.required && !isSet(section, spec.name)) push(section.line, section.name, spec.name, `missing required keyword ${spec.name}`, spec.doc);
    }
  }

  function isSet(section: Section, keyword: string): boolean {
    if (section.entries.some((e) => e.keyword === keyword)) return true;
    if (setsBroken) return false;
    return ev.source(section.name, keyword) !== undefined;
  }

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
    if (setsBroken) return;
    let value: string;
    try {
      value = viewFor(e.scope).resolve(e.value, section.name);
    } catch (err) {
      if (!isCapsuleError(err)) throw err;
      push(e.line, section.name, e.key, err.message, err.hint, 'error', err.code);
      return;
    }
    if (!spec) return;
    // OpenSVC's always_on names node sets (`always_on = nodes`): checked as the boolean standby it evaluates to.
    if (e.keyword === 'always_on') {
      const view = viewFor(e.scope);
      value = alwaysOn(value, view.sets(), view.ctx.nodename);
    }
    const problem = typeProblem(spec, value) ?? sectionProblem(spec, section, e, value);
    if (problem !== undefined) push(e.line, section.name, e.key, problem, spec.doc);
  }

  /** The keyword's own check against the other keywords of its section, read by the node the line applies to. */
  function sectionProblem(spec: KeywordSpec, section: Section, e: Entry, value: string): string | undefined {
    if (!spec.check) return undefined;
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) return undefined;
    const view = viewFor(e.scope);
    return spec.check(parsed.data, (name) => {
      try {
        return view.get(section.name, name);
      } catch {
        // A keyword that cannot be evaluated is reported on its own line.
        return undefined;
      }
    });
  }

  /** The schema's complaint about `value`, if any; remembered, as big files repeat the same values. */
  function typeProblem(spec: KeywordSpec, value: string): string | undefined {
    let known = checked.get(spec);
    if (!known) checked.set(spec, (known = new Map()));
    if (known.has(value)) return known.get(value);
    const r = spec.schema.safeParse(value);
    const problem = r.success ? undefined : r.error.issues.map((i) => i.message).join('; ');
    if (known.size < 1000) known.set(value, problem);
    return problem;
  }

  // One issue per place and message, whatever path found it.
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const k = `${i.line}\0${i.section ?? ''}\0${i.keyword ?? ''}\0${i.message}`;
      return !seen.has(k) && (seen.add(k), true);
    })
    .sort((a, b) => a.line - b.line);
}
