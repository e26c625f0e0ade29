import { EventEmitter } from 'node:events';
import { endQuietlyOnClosedPipe } from './process.js';

test('EPIPE on a standard stream ends the process quietly with 0', () => {
  const stream = new EventEmitter();
  const exit = jest.fn();
  endQuietlyOnClosedPipe(stream, exit);
  stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  expect(exit).toHaveBeenCalledWith(0);
});

test('any other stream error is not swallowed', () => {
  const stream = new EventEmitter();
  const exit = jest.fn();
  endQuietlyOnClosedPipe(stream, exit);
  expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow('disk full');
  expect(exit).not.toHaveBeenCalled();
});
