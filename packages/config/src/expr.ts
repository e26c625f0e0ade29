// `$(expr)` arithmetic: + - * / // % ** and parentheses, parsed by a small
// recursive-descent parser (never eval).
import { CapsuleError } from '@capsule/core';

type Tok = { kind: 'num'; value: number } | { kind: 'op'; value: string };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  const re = /(?:(\d+(?:\.\d+)?|\.\d+)|(\*\*|\/\/|[-+*/%()]))/y;
  const space = /\s*/y;
  let pos = 0;
  for (;;) {
    space.lastIndex = pos;
    space.exec(src);
    pos = space.lastIndex;
    if (pos >= src.length) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw exprError(src, `unexpected "${src[pos]}"`);
    toks.push(m[1] !== undefined ? { kind: 'num', value: Number(m[1]) } : { kind: 'op', value: m[2]! });
    pos = re.lastIndex;
  }
  return toks;
}

/** Deeper nesting is no arithmetic anyone writes, and recursion this deep would overflow the stack. */
export const MAX_EXPRESSION_DEPTH = 100;

function exprError(src: string, why: string): CapsuleError {
  const shown = src.length > 60 ? `${src.slice(0, 60)}...` : src;
  return new CapsuleError('ConfigExpression', `cannot evaluate $(${shown}): ${why}`, {
    hint: 'arithmetic takes numbers, + - * / // % ** and parentheses',
  });
}

export function evaluateExpression(src: string): number {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const isOp = (v: string) => peek()?.kind === 'op' && peek()!.value === v;

  // sum := term (('+'|'-') term)*
  const sum = (): number => {
    let v = term();
    while (isOp('+') || isOp('-')) v = (toks[i++]!.value === '+' ? v + term() : v - term());
    return v;
  };
  // term := unary (('*'|'/'|'//'|'%') unary)*
  const term = (): number => {
    let v = unary();
    for (;;) {
      const op = peek();
      if (op?.kind !== 'op' || !['*', '/', '//', '%'].includes(op.value as string)) return v;
      i++;
      const r = unary();
      if (op.value !== '*' && r === 0) throw exprError(src, 'division by zero');
      if (op.value === '*') v *= r;
      else if (op.value === '/') v /= r;
      else if (op.value === '//') v = Math.floor(v / r);
      // Python's modulo takes the sign of the divisor.
      else v = ((v % r) + r) % r;
    }
  };
  // unary := ('-'|'+') unary | power. Every recursion passes here, so the depth is counted here.
  let depth = 0;
  const unary = (): number => {
    if (++depth > MAX_EXPRESSION_DEPTH) throw exprError(src, `nested deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    try {
      if (isOp('-')) return i++, -unary();
      if (isOp('+')) return i++, unary();
      return power();
    } finally {
      depth--;
    }
  };
  // power := atom ('**' unary)?   (right-associative, binds tighter than unary minus on its left)
  const power = (): number => {
    const base = atom();
    if (isOp('**')) return i++, base ** unary();
    return base;
  };
  const atom = (): number => {
    const t = toks[i++];
    if (!t) throw exprError(src, 'unexpected end');
    if (t.kind === 'num') return t.value;
    if (t.value === '(') {
      const v = sum();
      if (!isOp(')')) throw exprError(src, 'missing )');
      i++;
      return v;
    }
    throw exprError(src, `unexpected "${t.value}"`);
  };

  if (!toks.length) throw exprError(src, 'empty expression');
  const v = sum();
  if (i < toks.length) throw exprError(src, `unexpected "${(toks[i] as Tok).value}"`);
  return v;
}

/** Integers print without a decimal point, like Python's int results. */
export function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}
