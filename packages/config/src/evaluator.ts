// Evaluates a document as seen from one node: scoping, then references
// ({key}, {section.key}, {env.x}, {#key}, {key[i]}, {upper:key}, builtins) and $(expr).
import { CapsuleError, type ErrorCode } from '@capsule/core';
import { deprecation, oldNames } from './deprecated.js';
import { evaluateExpression, formatNumber } from './expr.js';
import { defaultKeywords } from './keywords/default.js';
import { keepsKeyCase, MAX_CONFIG_BYTES, type ConfigDocument, type Entry, type Section } from './reader.js';
import { builtinReference, derivedId, MODIFIERS, type ReferenceContext } from './references.js';
import { pickEntry, SCOPE_GROUPS, USABLE_SCOPES, type NodeSets } from './scoping.js';

/** The node evaluating (possibly impersonated), the service, and where cluster facts come from. */
export type EvalContext = ReferenceContext;

/** [DEFAULT] keywords of its own: never a default for resource sections. */
const DEFAULT_OWN = new Set(defaultKeywords.map((k) => k.name));

/** Whether a [DEFAULT] line of `keyword` is the default of a resource section that does not set it. */
export function inheritsFromDefault(section: string, keyword: string): boolean {
  const resource = /^[a-z]+#/.test(section) && !section.startsWith('subset#');
  return resource && keyword !== 'type' && !DEFAULT_OWN.has(keyword) && !deprecation('DEFAULT', keyword);
}

const MAX_DEPTH = 32;
const SMALL_SECTION = 16;
/** Braces or $( nested deeper than this are no reference anyone writes; deeper would overflow the stack. */
export const MAX_NESTING = 64;
/** An evaluated value may not outgrow the largest file: a value doubling itself through references stops here. */
export const MAX_VALUE_LENGTH = MAX_CONFIG_BYTES;
const REF = /^(#)?(?:(upper|lower|capitalize|title|swapcase|uri_ip):)?([a-z_][a-z0-9_]*(?:#[a-z0-9_.:-]+)?(?:\.[a-z0-9_]+)?)(?:\[(.+)\])?$/i;

function words(v: string): string[] {
  return v.split(/[\s,]+/).filter(Boolean);
}

function refError(code: ErrorCode, message: string, hint: string, entry?: { section: string; entry?: Entry }): CapsuleError {
  return new CapsuleError(code, message, { hint, details: { section: entry?.section, line: entry?.entry?.line } });
}

/** References are lower-cased; an [env] key keeps the case it was written in. */
function spelledKeyword(s: Section, keyword: string): string {
  if (!keepsKeyCase(s.name) || s.entries.some((e) => e.keyword === keyword)) return keyword;
  return s.entries.find((e) => e.keyword.toLowerCase() === keyword.toLowerCase())?.keyword ?? keyword;
}

export class Evaluator {
  private setsCache?: NodeSets;
  /** True while the node sets are being computed: they are then read raw, never from sets(). */
  private computingSets = false;
  private readonly memo = new Map<string, string | undefined>();
  /** Sections by name, and keyword -> lines of the big ones: lookups by scanning made big files quadratic. */
  private sections?: Map<string, Section>;
  private readonly bigSections = new Map<Section, Map<string, Entry[]>>();

  constructor(
    readonly doc: ConfigDocument,
    readonly ctx: EvalContext,
  ) {}

  /** The node sets as seen from ctx.nodename, computed in dependency order. */
  sets(): NodeSets {
    if (this.setsCache) return this.setsCache;
    const partial: Partial<NodeSets> = {};
    const list = (kw: string) => words(this.getScoped('DEFAULT', kw, partial) ?? '');
    this.computingSets = true;
    try {
      partial.encapnodes = list('encapnodes');
      partial.drpnodes = [...new Set([...list('drpnodes'), ...list('drpnode')])];
      const nodes = list('nodes');
      // A service that names no node runs on the node reading it.
      partial.nodes = nodes.length ? nodes : [this.ctx.nodename];
      partial.flex_primary = this.getScoped('DEFAULT', 'flex_primary', partial) ?? partial.nodes[0] ?? '';
      partial.drp_flex_primary = this.getScoped('DEFAULT', 'drp_flex_primary', partial) ?? partial.drpnodes[0] ?? '';
    } finally {
      this.computingSets = false;
    }
    this.setsCache = partial as NodeSets;
    return this.setsCache;
  }

  entry(section: string, keyword: string, sets: Partial<NodeSets> = this.sets()): Entry | undefined {
    // [env] keys keep their case as written, and references to them match in any case.
    if (keepsKeyCase(section)) {
      const s = this.doc.sections.find((x) => x.name === section);
      if (s) keyword = spelledKeyword(s, keyword);
    }
    const candidates = this.lines(section, keyword);
    if (!candidates) return undefined;
    const usable = section === 'DEFAULT' && Object.hasOwn(USABLE_SCOPES, keyword) ? USABLE_SCOPES[keyword] : undefined;
    return pickEntry(candidates, keyword, this.ctx.nodename, sets, usable ?? SCOPE_GROUPS);
  }

  private lines(section: string, keyword: string): Entry[] | undefined {
    if (!this.sections) this.sections = new Map(this.doc.sections.map((x) => [x.name, x]));
    const s = this.sections.get(section);
    if (!s) return undefined;
    // Small sections are scanned; only big ones get a keyword index (a map per section costs more than it saves).
    if (s.entries.length <= SMALL_SECTION) {
      const found = s.entries.filter((e) => e.keyword === keyword);
      return found.length ? found : undefined;
    }
    let byKeyword = this.bigSections.get(s);
    if (!byKeyword) {
      byKeyword = new Map();
      for (const e of s.entries) {
        const list = byKeyword.get(e.keyword);
        if (list) list.push(e);
        else byKeyword.set(e.keyword, [e]);
      }
      this.bigSections.set(s, byKeyword);
    }
    return byKeyword.get(keyword);
  }

  /** The keyword's value on this node, references resolved; undefined when not set. */
  get(section: string, keyword: string): string | undefined {
    return this.getScoped(section, keyword, undefined);
  }

  private getScoped(section: string, keyword: string, sets: Partial<NodeSets> | undefined, stack: string[] = []): string | undefined {
    const id = `${section}.${keyword}`;
    const memoizable = sets === undefined;
    if (memoizable && this.memo.has(id)) return this.memo.get(id);
    if (stack.includes(id)) {
      throw refError('ConfigReferenceCycle', `reference cycle: ${[...stack, id].join(' -> ')}`, 'break the cycle: one of these keywords must not refer to the others', { section });
    }
    const e = this.source(section, keyword, sets ?? this.sets());
    const v = e === undefined ? undefined : this.expand(e.value, section, [...stack, id], sets, e);
    if (memoizable) this.memo.set(id, v);
    return v;
  }

  /**
   * The line that gives `section.keyword` its value: its own, else one under a
   * deprecated name, else (for a resource) a [DEFAULT] keyword that [DEFAULT]
   * does not use itself, as OpenSVC's resource keywords fall back to [DEFAULT].
   */
  source(section: string, keyword: string, sets: Partial<NodeSets> = this.sets()): Entry | undefined {
    const own = this.entry(section, keyword, sets);
    if (own) return own;
    for (const old of oldNames(section, keyword)) {
      const e = this.entry(section, old, sets);
      if (e) return e;
    }
    if (!inheritsFromDefault(section, keyword)) return undefined;
    // [DEFAULT] always_on = nodes is every resource's standby in OpenSVC too.
    for (const name of [keyword, ...oldNames(section, keyword)]) {
      const e = this.entry('DEFAULT', name, sets);
      if (e) return e;
    }
    return undefined;
  }

  /** Resolves references and arithmetic in `text`, as if written in `section`. */
  resolve(text: string, section: string): string {
    return this.expand(text, section, [], undefined);
  }

  private expand(text: string, section: string, stack: string[], sets: Partial<NodeSets> | undefined, at?: Entry, nesting = 0): string {
    if (stack.length > MAX_DEPTH) {
      throw refError('ConfigReferenceDepth', `references nested deeper than ${MAX_DEPTH} in ${stack[0]}`, 'simplify the references', { section });
    }
    if (nesting > MAX_NESTING) {
      throw refError('ConfigReferenceDepth', `braces or $( nested deeper than ${MAX_NESTING} levels`, 'simplify the value', { section, ...(at ? { entry: at } : {}) });
    }
    let out = '';
    const append = (piece: string) => {
      out += piece;
      if (out.length > MAX_VALUE_LENGTH) {
        const what = stack[stack.length - 1] ?? section;
        throw refError('ConfigValueTooLong', `${what}: the evaluated value grows past ${MAX_VALUE_LENGTH} characters`, 'a reference repeats a value too many times: check the references of this keyword', { section, ...(at ? { entry: at } : {}) });
      }
    };
    for (let i = 0; i < text.length; ) {
      const brace = text.indexOf('{', i);
      const dollar = text.indexOf('$(', i);
      const next = brace < 0 ? dollar : dollar < 0 ? brace : Math.min(brace, dollar);
      if (next < 0) {
        append(text.slice(i));
        break;
      }
      if (next > i) append(text.slice(i, next));
      const isExpr = next === dollar;
      const open = isExpr ? '(' : '{';
      const close = isExpr ? ')' : '}';
      const start = next + (isExpr ? 2 : 1);
      let depth = 1;
      let j = start;
      for (; j < text.length && depth > 0; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close) depth--;
      }
      if (depth > 0) {
        // Unbalanced: not a reference, keep the text as written.
        append(text.slice(next));
        break;
      }
      const inner = text.slice(start, j - 1);
      if (!isExpr && text[next - 1] === '$') {
        // Shell's ${VAR} in a command line is the script's business, not a reference.
        append(text.slice(next, j));
      } else if (isExpr) {
        append(formatNumber(evaluateExpression(this.expand(inner, section, stack, sets, at, nesting + 1))));
      } else {
        const ref = REF.exec(this.expand(inner, section, stack, sets, at, nesting + 1).trim());
        // `{` that does not hold a reference (shell ${VAR} aside) is literal text.
        append(ref ? this.lookup(ref, section, stack, sets, at) : `{${inner}}`);
      }
      i = j;
    }
    return out;
  }

  private lookup(ref: RegExpExecArray, section: string, stack: string[], sets: Partial<NodeSets> | undefined, at?: Entry): string {
    const [, count, modifier, name, index] = ref;
    const where = { section, ...(at ? { entry: at } : {}) };
    const value = this.refValue(name!.toLowerCase(), section, stack, sets, where);
    const modify = modifier ? MODIFIERS.get(modifier.toLowerCase())! : (v: string) => v;
    if (count) return modify(String(words(value).length));
    if (index === undefined) return modify(value);
    const idx = this.expand(index, section, stack, sets, at).trim();
    const list = words(value);
    if (!/^-?\d+$/.test(idx)) {
      throw refError('ConfigReferenceIndex', `{${name}[${index}]}: index "${idx}" is not an integer`, 'an index is a number, or a reference to one', where);
    }
    const n = Number(idx);
    const w = list[n < 0 ? list.length + n : n];
    if (w === undefined) {
      throw refError('ConfigReferenceIndex', `{${name}[${idx}]}: index out of range, ${name} has ${list.length} words`, `use an index from 0 to ${list.length - 1}`, where);
    }
    return modify(w);
  }

  private refValue(name: string, section: string, stack: string[], sets: Partial<NodeSets> | undefined, where: { section: string; entry?: Entry }): string {
    const builtin = name.includes('.') ? undefined : builtinReference(name, section, this.ctx);
    if (builtin !== undefined) return builtin;
    const dot = name.lastIndexOf('.');
    const candidates: Array<[string, string]> =
      dot > 0 ? [[name.slice(0, dot), name.slice(dot + 1)]] : [[section, name], ['DEFAULT', name]];
    for (const [sec, kw] of candidates) {
      if (sec === 'DEFAULT' && SCOPE_GROUPS.includes(kw as never) && !this.computingSets) {
        const v = this.sets()[kw as keyof NodeSets];
        return Array.isArray(v) ? v.join(' ') : v;
      }
      const v = this.getScoped(sec, kw, sets, stack);
      if (v !== undefined) return v;
    }
    if (name === 'id') return derivedId(this.ctx.svcname);
    throw refError('ConfigReferenceUnknown', `{${name}} refers to a keyword that is not set`, `set ${dot > 0 ? name : `${section}.${name}`} or remove the reference`, where);
  }
}
