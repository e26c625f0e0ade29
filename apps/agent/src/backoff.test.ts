import { startBackoffMs } from './backoff.js';

test.each([
  [1, 10_000],
  [2, 20_000],
  [3, 40_000],
  [6, 300_000],
  [50, 300_000],
])('after %i start failure(s) in a row, a node waits %i ms before it is eligible again', (failures, ms) => expect(startBackoffMs(failures)).toBe(ms));
