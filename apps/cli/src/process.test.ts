import { EventEmitter } from 'node:events';
import { endQuietlyOnClosedPipe } from './process.js';

test('EPIPE on a standard stream ends the process quietly with 0', () => {
  const stream = new EventEmitter();
  const exits: number[] = [];
  endQuietlyOnClosedPipe(stream, (code: number) => void exits.push(code));
  stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  expect(exits).toEqual([0]);
});

test('any other stream error is not swallowed', () => {
  const stream = new EventEmitter();
  const exits: number[] = [];
  endQuietlyOnClosedPipe(stream, (code: number) => void exits.push(code));
  expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow('disk full');
  expect(exits).toEqual([]);
});
