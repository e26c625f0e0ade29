import { withDeadline } from './context.js';

test('withDeadline: a parent cancelled before the call cancels the work at once', async () => {
  const parent = new AbortController();
  parent.abort(new Error('interrupted'));
  const seen = await withDeadline(10_000, async (signal) => signal.aborted && (signal.reason as Error).message, () => 'timeout', parent.signal);
  expect(seen).toBe('interrupted');
});

test('withDeadline: a parent cancelled during the call cancels the work', async () => {
  const parent = new AbortController();
  const work = withDeadline(10_000, (signal) => new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('cancelled'))), () => 'timeout', parent.signal);
  parent.abort();
  expect(await work).toBe('cancelled');
});
