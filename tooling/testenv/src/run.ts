// Runs a setup command and fails loudly: a test host that cannot be built
// must fail the test, never let it pass on a half-made network.
import { localExec } from '@capsule/transport';
import { mkdirSync, rmSync, statSync } from 'node:fs';

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

/** Claims of /30s being set up, one directory each: mkdir is atomic, so two suites never take the same one at once. */
const CLAIMS = '/run/capsule-testenv-subnets';

/** Takes `base` unless another process claimed it in the last 20 s (its link being made); an older claim whose address is gone is stale. */
function claim(base: number, used: string): boolean {
  const dir = `${CLAIMS}/${base}`;
  try {
    mkdirSync(dir);
    return true;
  } catch {
    const age = Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (age < 20_000 || used.includes(` 203.0.113.${base + 1}/`)) return false;
    rmSync(dir, { recursive: true, force: true });
    try {
      mkdirSync(dir);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * A /30 of 203.0.113.0/24 (TEST-NET-3) that no interface here uses: `here`
 * for this namespace's end, `there` for the test host's. Kept apart from the
 * 198.51.100.0/24 the tests use inside namespaces. Every /30 is tried, in a
 * random order, and claimed atomically (suites running at once picked the
 * same free one when few were left: two links, one address); when all 62
 * are taken (three API drivers' conformance state suites at once hold some
 * 46), it waits for one to be given back rather than fail.
 */
export async function freeSubnet30(waitMs = 180_000): Promise<{ here: string; there: string }> {
  mkdirSync(CLAIMS, { recursive: true });
  // Bases 4 to 248: 203.0.113.253 and .254 are never handed out, so tests use .254 as the address nobody answers on.
  const bases = Array.from({ length: 62 }, (_, i) => 4 * (i + 1));
  for (let i = bases.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [bases[i], bases[j]] = [bases[j]!, bases[i]!];
  }
  const end = Date.now() + waitMs;
  for (;;) {
    const used = await sh('ip', '-o', '-4', 'addr', 'show');
    for (const base of bases) {
      const here = `203.0.113.${base + 1}`;
      const there = `203.0.113.${base + 2}`;
      if (!used.includes(` ${here}/`) && !used.includes(` ${there}/`) && claim(base, used)) return { here, there };
    }
    if (Date.now() > end) throw new Error(`test setup: no free /30 in 203.0.113.0/24 for ${waitMs / 1000} s: links left over? ip -o addr | grep 203.0.113`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Gives back the /30 whose `here` end freeSubnet30 handed out, once its link is gone: no claim outlives its test. */
export function releaseSubnet30(here: string): void {
  const last = Number(here.split('.').pop());
  rmSync(`${CLAIMS}/${last - 1}`, { recursive: true, force: true });
}
