import { isCapsuleError } from '@capsule/core';
import { evaluateExpression, formatNumber } from './expr.js';

test.each([
  ['1+2', 3], ['2*3+4', 10], ['2*(3+4)', 14], ['7/2', 3.5], ['7//2', 3], ['-7//2', -4],
  ['7%3', 1], ['-7%3', 2], ['2**3**2', 512], ['-2**2', -4], ['(1+1)**10', 1024], [' 10 - 2 - 3 ', 5],
  ['+5', 5], ['1.5*2', 3], ['.5+.5', 1],
])('$(%s) = %d', (src, v) => expect(evaluateExpression(src)).toBe(v));

test.each([['1/0'], ['1//0'], ['1%0'], [''], ['1+'], ['(1'], ['1)'], ['a+1'], ['1 2'], ['import("x")']])('$(%s) is an error', (src) => {
  try {
    evaluateExpression(src);
    throw new Error('accepted');
  } catch (e) {
    expect(isCapsuleError(e) && e.code).toBe('ConfigExpression');
  }
});

test.each([[3, '3'], [3.5, '3.5'], [0.1 + 0.2, '0.3'], [-4, '-4']])('formatNumber(%d) = %s', (v, s) => expect(formatNumber(v)).toBe(s));

test.each([
  ['100k nested parentheses', `${'('.repeat(100_000)}1${')'.repeat(100_000)}`],
  ['100k unary minus signs', `${'-'.repeat(100_000)}1`],
  ['a 100k-long power tower', Array(100_000).fill('1').join('**')],
])('%s is a named error, not a stack overflow', (_what, src) => {
  expect(() => evaluateExpression(src)).toThrow(expect.objectContaining({ code: 'ConfigExpression', message: expect.stringMatching(/nested deeper than 100 levels/) }));
});
