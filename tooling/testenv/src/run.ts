// Runs a setup command and fails loudly: a test host that cannot be built
// must fail the test, never let it pass on a half-made network.
import { localExec } from '@capsule/transport';

export async function sh(...argv: string[]): Promise<string> {
  const r = await localExec(argv);
  if (r.code !== 0) throw new Error(`test setup: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Polls `fn` every 100 ms until it gives a truthy value, which it returns; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A name unique to this process and call; `max` is 15 for interface names (the kernel's limit). */
export function uniqueName(prefix: string, max = 15): string {
  return `${prefix}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 10)}`.slice(0, max);
}

/**
 * A /30 that no interface here uses, from 203.0.113.0/24 (TEST-NET-3),
 * then 192.0.2.0/24 (TEST-NET-1): `here` for this namespace's end, `there`
 * for the test host's. Kept apart from the 198.51.100.0/24 the tests use
 * inside namespaces. Taken in a random order so that suites running at once
 * rarely reach for the same one; 124 in all, since the conformance state
 * suites of three API drivers running at once hold about 20 guests each.
 */
export async function freeSubnet30(): Promise<{ here: string; there: string }> {
  const used = await sh('ip', '-o', '-4', 'addr', 'show');
  // Bases 4 to 248: .253 and .254 are never handed out, so tests use 203.0.113.254 as the address nobody answers on.
  const candidates = ['203.0.113', '192.0.2'].flatMap((net) => Array.from({ length: 62 }, (_, i) => ({ net, base: 4 * (i + 1) })));
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  // TEST-NET-3 first: the shuffle only spreads the picks within each range.
  candidates.sort((a, b) => (a.net === b.net ? 0 : a.net === '203.0.113' ? -1 : 1));
  for (const { net, base } of candidates) {
    const here = `${net}.${base + 1}`;
    const there = `${net}.${base + 2}`;
    if (!used.includes(` ${here}/`) && !used.includes(` ${there}/`)) return { here, there };
  }
  throw new Error('test setup: no free /30 in 203.0.113.0/24 or 192.0.2.0/24: links left over? ip -o addr | grep -E "203.0.113|192.0.2"');
}
