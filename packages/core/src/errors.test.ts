import { CapsuleError, formatError, isCapsuleError } from './errors.js';

test('a CapsuleError carries code, message, hint, details and cause', () => {
  const cause = new Error('ENOENT');
  const e = new CapsuleError('ConfigNotFound', 'no config for web1', { hint: 'create it', details: { svc: 'web1' }, cause });
  expect([e.code, e.name, e.message, e.hint, e.details, e.cause]).toEqual(['ConfigNotFound', 'ConfigNotFound', 'no config for web1', 'create it', { svc: 'web1' }, cause]);
  expect(JSON.parse(JSON.stringify(e))).toEqual({ code: 'ConfigNotFound', message: 'no config for web1', hint: 'create it', details: { svc: 'web1' } });
});

test('the brand is recognised across copies of core, instanceof is not needed', () => {
  const foreign = Object.assign(new Error('x'), { [Symbol.for('capsule.error')]: true, code: 'X', hint: undefined, details: {} });
  expect(isCapsuleError(foreign)).toBe(true);
  expect(isCapsuleError(new Error('plain'))).toBe(false);
  expect(isCapsuleError({ code: 'X' })).toBe(false);
  expect(isCapsuleError(null)).toBe(false);
});

test.each([
  [new CapsuleError('A', 'what happened', { hint: 'what to do' }), 'what happened\n  hint: what to do'],
  [new CapsuleError('A', 'no hint'), 'no hint'],
  [new Error('plain'), 'plain'],
  ['text', 'text'],
])('formatError(%s)', (e, text) => expect(formatError(e)).toBe(text));
