import type { ExecOptions, ExecResult } from '@capsule/core';
import { Fencer, type FenceDecision } from './fencing.js';

/** A fencer on a clock the test moves, whose fence commands end when the test says. */
function setup(commands: Record<string, string[]> = { hv1: ['/bin/fence', 'hv1'], hv3: ['/bin/fence', 'hv3'] }) {
  let now = 100_000;
  const calls: Array<{ argv: readonly string[]; o: ExecOptions; end: (r: ExecResult | Error) => void }> = [];
  const log: string[] = [];
  const fencer = new Fencer({
    commands: () => commands,
    timeoutMs: () => 6000,
    exec: (argv, o) => new Promise<ExecResult>((resolve, reject) => calls.push({ argv, o, end: (r) => (r instanceof Error ? reject(r) : resolve(r)) })),
    log: (l) => log.push(l),
    now: () => now,
  });
  return { fencer, calls, log, advance: (ms: number) => (now += ms) };
}

const decision = (nodes: string[], service = 'web'): FenceDecision => ({ service, action: 'fence', nodes, reason: 'stonith: placement leader of hv2,hv3, hv1 unheard for 3.0 s' });
const ok: ExecResult = { code: 0, stdout: '', stderr: '' };

test('a fence runs the node\'s command with the node in its environment; once done, the node counts as fenced until heard of again', async () => {
  const { fencer, calls, log, advance } = setup();
  const done = fencer.fence(decision(['hv1']));
  expect(calls.map((c) => [c.argv, c.o])).toEqual([[['/bin/fence', 'hv1'], { env: { CAPSULE_FENCED_NODE: 'hv1' }, timeoutMs: 6000 }]]);
  expect(fencer.status()).toEqual({ fenced: {}, running: ['hv1'], failing: {} });
  advance(1200);
  calls[0]!.end(ok);
  await done;
  expect(log).toEqual(['fence hv1 for web (stonith: placement leader of hv2,hv3, hv1 unheard for 3.0 s): /bin/fence hv1', 'fence hv1: done in 1.2 s, hv1 is off: web may start here']);
  advance(2000);
  expect(fencer.current(['hv2', 'hv3'], { hv1: 5000 })).toEqual(['hv1']);
  expect(fencer.status()).toEqual({ fenced: { hv1: { agoMs: 2000 } }, running: [], failing: {} });
  // A member heard it 1.5 s ago, after the fence 2 s ago: it is up again.
  expect(fencer.current(['hv2', 'hv3'], { hv1: 1500 })).toEqual([]);
  expect(log.at(-1)).toBe('hv1 is heard of again: its fence no longer counts (a later takeover from it fences it again)');
});

test('one run per node however many services ask, and none for a node already fenced', async () => {
  const { fencer, calls } = setup();
  const a = fencer.fence(decision(['hv1'], 'web'));
  const b = fencer.fence(decision(['hv1', 'hv3'], 'db'));
  expect(calls.map((c) => c.argv[1])).toEqual(['hv1', 'hv3']);
  calls.forEach((c) => c.end(ok));
  await Promise.all([a, b]);
  await fencer.fence(decision(['hv1', 'hv3'], 'web'));
  expect(calls).toHaveLength(2);
});

test.each<[string, ExecResult | Error, RegExp]>([
  ['a non-zero exit', { code: 1, stdout: '', stderr: 'Unable to connect to the BMC\n' }, /^fence hv1 failed: exit 1 \(Unable to connect to the BMC\) after 0\.0 s; no takeover from hv1 until a fence succeeds: retry in 5 s \(failure 1 in a row\)$/],
  ['a timeout', new Error('/bin/fence hv1 did not finish within 6000 ms and was killed'), /^fence hv1 failed: \/bin\/fence hv1 did not finish within 6000 ms and was killed; no takeover from hv1 until a fence succeeds: retry in 5 s/],
])('%s fails the fence, retried after 5 s, then 10 s', async (_, outcome, message) => {
  const { fencer, calls, log, advance } = setup();
  const first = fencer.fence(decision(['hv1']));
  calls[0]!.end(outcome);
  await first;
  expect(log.at(-1)).toMatch(message);
  expect(fencer.current(['hv2', 'hv3'], { hv1: 4000 })).toEqual([]);
  advance(4999);
  await fencer.fence(decision(['hv1']));
  expect(calls).toHaveLength(1);
  advance(1);
  const second = fencer.fence(decision(['hv1']));
  expect(calls).toHaveLength(2);
  calls[1]!.end(outcome);
  await second;
  expect(log.at(-1)).toMatch(/retry in 10 s \(failure 2 in a row\)$/);
  expect(fencer.status().failing['hv1']).toMatchObject({ failures: 2, retryInMs: 10_000 });
  // Back alive: its failures are forgotten, a later loss fences it at once.
  fencer.current(['hv1', 'hv2'], {});
  expect(fencer.status().failing).toEqual({});
});

test('no command for the node: said, nothing run, tried again after the backoff (node.conf may have been fixed)', async () => {
  const commands: Record<string, string[]> = {};
  const { fencer, calls, log, advance } = setup(commands);
  await fencer.fence(decision(['hv1']));
  expect(calls).toEqual([]);
  expect(log).toEqual(['stonith = true for web but node.conf has no [stonith#hv1] cmd: not taking over; no takeover from hv1 until a fence succeeds: retry in 5 s (failure 1 in a row)']);
  commands['hv1'] = ['/bin/fence', 'hv1'];
  advance(5000);
  void fencer.fence(decision(['hv1']));
  expect(calls.map((c) => c.argv)).toEqual([['/bin/fence', 'hv1']]);
});
