import { CapsuleError } from '@capsule/core/errors';
import { EventEmitter } from 'node:events';
import { exitCodeOf, interruptOn } from './interrupt.js';

test.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
])('the first %s cancels the action naming itself; a second one exits %i at once', (sig, code) => {
  const proc = new EventEmitter();
  const exits: number[] = [];
  const i = interruptOn(proc, (c) => void exits.push(c));
  proc.emit(sig);
  expect(i.signal.aborted).toBe(true);
  expect(i.signal.reason).toMatchObject({ code: 'ActionInterrupted', message: `interrupted by ${sig}`, details: { signal: sig } });
  expect(exits).toEqual([]);
  proc.emit(sig);
  expect(exits).toEqual([code]);
  i.dispose();
  expect(proc.listenerCount(sig)).toBe(0);
});

test.each([
  [new CapsuleError('ActionInterrupted', 'web: start interrupted by SIGINT', { details: { signal: 'SIGINT' } }), 130],
  [new CapsuleError('ActionInterrupted', 'web: start interrupted', { details: {} }), 1],
  [new CapsuleError('ActionFailed', 'web: start failed', { details: { signal: 'SIGINT' } }), 1],
  [new Error('boom'), 1],
])('exit code of %s is %i', (e, code) => expect(exitCodeOf(e)).toBe(code));
