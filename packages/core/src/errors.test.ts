import { CapsuleError, errorFromJson, formatError, isCapsuleError } from './errors.js';

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
  [new CapsuleError('UsageError', 'what happened', { hint: 'what to do' }), 'what happened\n  hint: what to do'],
  [new CapsuleError('UsageError', 'no hint'), 'no hint'],
  [new Error('plain'), 'plain'],
  ['text', 'text'],
])('formatError(%s)', (e, text) => expect(formatError(e)).toBe(text));

test.each([
  ['a known code keeps its code and hint', { code: 'ServiceFrozen', message: 'web1 is frozen', hint: 'thaw it' }, 'ServiceFrozen', 'vm1: web1 is frozen', 'thaw it'],
  ['the CLI wrapper {"error": ...}', { error: { code: 'ServiceFrozen', message: 'web1 is frozen', hint: 'thaw it' } }, 'ServiceFrozen', 'vm1: web1 is frozen', 'thaw it'],
  ['an unknown code (a newer agent) falls back and keeps the original', { code: 'FromTheFuture', message: 'new thing' }, 'GuestActionFailed', 'vm1: new thing', undefined],
])('errorFromJson: %s', (_w, body, code, message, hint) => {
  const e = errorFromJson(body, 'GuestActionFailed', 'vm1: ')!;
  expect([e.code, e.message, e.hint]).toEqual([code, message, hint]);
});

test.each([null, 'text', {}, { code: 'X', message: 5 }])('errorFromJson(%p) is not an error answer', (body) => {
  expect(errorFromJson(body, 'GuestActionFailed', '')).toBeUndefined();
});
