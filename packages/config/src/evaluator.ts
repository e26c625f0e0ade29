// Evaluates a document as seen from one node: scoping, then references
// ({key}, {section.key}, {env.x}, {#key}, {key[i]}, builtins) and $(expr).
import { CapsuleError } from '@capsule/core';
import { evaluateExpression, formatNumber } from './expr.js';
import { findSection, keepsKeyCase, type ConfigDocument, type Entry, type Section } from './reader.js';
import { pickEntry, SCOPE_GROUPS, USABLE_SCOPES, type NodeSets } from './scoping.js';

export interface EvalContext {
  nodename: string;
  svcname: string;
}

const MAX_DEPTH = 32;
const REF = /^(#)?([a-z_][a-z0-9_]*(?:#[a-z0-9_.:-]+)?(?:\.[a-z0-9_]+)?)(?:\[(.+)\])?$/i;

function words(v: string): string[] {
  return v.split(/[\s,]+/).filter(Boolean);
}

function refError(code: string, message: string, hint: string, entry?: { section: string; entry?: Entry }): CapsuleError {
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
    const s = findSection(this.doc, section);
    if (!s) return undefined;
    const usable = section === 'DEFAULT' ? USABLE_SCOPES[keyword] : undefined;
    return pickEntry(s.entries, spelledKeyword(s, keyword), this.ctx.nodename, sets, usable ?? SCOPE_GROUPS);
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
    const e = this.entry(section, keyword, sets ?? this.sets());
    const v = e === undefined ? undefined : this.expand(e.value, section, [...stack, id], sets, e);
    if (memoizable) this.memo.set(id, v);
    return v;
  }

  /** Resolves references and arithmetic in `text`, as if written in `section`. */
  resolve(text: string, section: string): string {
    return this.expand(text, section, [], undefined);
  }

  private expand(text: string, section: string, stack: string[], sets: Partial<NodeSets> | undefined, at?: Entry): string {
    if (stack.length > MAX_DEPTH) {
      throw refError('ConfigReferenceDepth', `references nested deeper than ${MAX_DEPTH} in ${stack[0]}`, 'simplify the references', { section });
    }
    let out = '';
    for (let i = 0; i < text.length; ) {
      const c = text[i]!;
      const isExpr = c === '$' && text[i + 1] === '(';
      if (c !== '{' && !isExpr) {
        out += c;
        i++;
        continue;
      }
      const open = isExpr ? '(' : '{';
      const close = isExpr ? ')' : '}';
      const start = i + (isExpr ? 2 : 1);
      let depth = 1;
      let j = start;
      for (; j < text.length && depth > 0; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close) depth--;
      }
      if (depth > 0) {
        // Unbalanced: not a reference, keep the text as written.
        out += text.slice(i);
        break;
      }
      const inner = text.slice(start, j - 1);
      if (!isExpr && text[i - 1] === '$') {
        // Shell's ${VAR} in a command line is the script's business, not a reference.
        out += text.slice(i, j);
      } else if (isExpr) {
        out += formatNumber(evaluateExpression(this.expand(inner, section, stack, sets, at)));
      } else {
        const ref = REF.exec(this.expand(inner, section, stack, sets, at).trim());
        // `{` that does not hold a reference (shell ${VAR} aside) is literal text.
        out += ref ? this.lookup(ref, section, stack, sets, at) : `{${inner}}`;
      }
      i = j;
    }
    return out;
  }

  private lookup(ref: RegExpExecArray, section: string, stack: string[], sets: Partial<NodeSets> | undefined, at?: Entry): string {
    const [, count, name, index] = ref;
    const where = { section, ...(at ? { entry: at } : {}) };
    const value = this.refValue(name!.toLowerCase(), section, stack, sets, where);
    if (count) return String(words(value).length);
    if (index === undefined) return value;
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
    return w;
  }

  private refValue(name: string, section: string, stack: string[], sets: Partial<NodeSets> | undefined, where: { section: string; entry?: Entry }): string {
    const { nodename, svcname } = this.ctx;
    const builtins: Record<string, string> = {
      nodename,
      short_nodename: nodename.split('.')[0]!,
      svcname,
      short_svcname: svcname.split('.')[0]!,
    };
    if (name in builtins) return builtins[name]!;
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
    throw refError('ConfigReferenceUnknown', `{${name}} refers to a keyword that is not set`, `set ${dot > 0 ? name : `${section}.${name}`} or remove the reference`, where);
  }
}
