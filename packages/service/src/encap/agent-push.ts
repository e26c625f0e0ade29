// The guest agent pushed into a guest without one (`push_agent = true` on its
// container): the hypervisor's single executable (agent-file.ts) is written
// through the guest channel, gzipped and base64 on stdin, beside svcmgr's
// place in the guest's PATH, checked to run and unpack there, renamed into
// place, then asked for again. Only actions push (ensureAgent, before a
// chained action): a status reports a missing agent and never pushes.
import { CapsuleError, isCapsuleError, ErrorCode, type ExecResult } from '@capsule/core';
import { atomicWrite } from '@capsule/config';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sanitize } from '../sanitize.js';
import { agentPayload, agentVersion, guestAgentFile, PUSHED_VERSION, type AgentPayload } from './agent-file.js';
import type { Guest, GuestCall } from './guest.js';

export { guestAgentFile } from './agent-file.js';

/** Where the pushed agent goes: on the PATH of every channel (lxc-attach --clear-env sets it, ssh has it). */
export const PUSHED_AGENT_DIR = '/usr/local/bin';
/** The push's own bound, inside the action's: 47 MiB on the wire, unpacked and tried in the guest. */
export const PUSH_TIMEOUT_MS = 300_000;
const VERSION_TIMEOUT_MS = 30_000;

export type AgentProbe = { found: false } | { found: true; version: string };

/** An svcmgr that answers `VERSION guest-agent BUILD` was pushed by a hypervisor; a bare version is the administrator's. */
export function isPushedCopy(probe: AgentProbe): boolean {
  return probe.found && PUSHED_VERSION.test(probe.version);
}

/** Orders two release versions (`1.2.3`, `1.2.3-rc.1`); undefined when either is not one. */
export function compareVersions(a: string, b: string): number | undefined {
  const parse = (v: string) => /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/.exec(v);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return undefined;
  for (let i = 1; i <= 3; i++) if (Number(x[i]) !== Number(y[i])) return Number(x[i]) < Number(y[i]) ? -1 : 1;
  // A pre-release comes before its release; pre-releases by their dot-separated parts, numbers as numbers.
  if (x[4] === y[4]) return 0;
  if (x[4] === undefined || y[4] === undefined) return x[4] === undefined ? 1 : -1;
  const p = x[4].split('.');
  const q = y[4].split('.');
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    if (p[i] === q[i]) continue;
    if (p[i] === undefined || q[i] === undefined) return p[i] === undefined ? -1 : 1;
    const [m, n] = [Number(p[i]), Number(q[i])];
    if (Number.isInteger(m) && Number.isInteger(n)) return m < n ? -1 : 1;
    return p[i]! < q[i]! ? -1 : 1;
  }
  return 0;
}

/**
 * Push or keep, from what the guest's `svcmgr --version` answered and the
 * version of the agent we hold. No agent: push. An agent installed by other
 * means (a bare version) is the administrator's: kept, whatever its version.
 * A pushed copy is replaced only by a later version, so that during a rolling
 * upgrade an older hypervisor does not take back a guest a newer one pushed
 * (they would overwrite each other at every action of a migrating guest). Of
 * one version, another build is replaced: builds of one version differ only
 * when one was rebuilt (a fix, a development build), nothing tells which is
 * newer, and a hypervisor must be able to bring its guests to the build it
 * runs. A pushed copy whose version cannot be read is replaced.
 */
export function pushDecision(probe: AgentProbe, ours: string): 'push' | 'keep' {
  if (!probe.found) return 'push';
  if (!isPushedCopy(probe) || probe.version === ours) return 'keep';
  const theirs = probe.version.split(' ');
  const mine = ours.split(' ');
  const order = compareVersions(theirs[0]!, mine[0]!);
  if (order === undefined) return 'push';
  return order <= 0 ? 'push' : 'keep';
}

/**
 * The guest side of a push: a shell script for `sh -c`, with the file on stdin. Exit codes:
 * 71 no directory, 72 no room, 73 a write failed, 74 the copy does not run or unpack there.
 */
export function pushScript(bytes: number, version: string, dir = PUSHED_AGENT_DIR): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return [
    `d=${q(dir)}`,
    'mkdir -p "$d" || exit 71',
    // KiB: the file and a margin of 1 MiB; no df (a minimal guest) is no check.
    `need=$(( ${bytes} / 1024 + 1024 ))`,
    `avail=$(df -Pk "$d" 2>/dev/null | awk 'NR==2 {print $4}')`,
    'if [ -n "$avail" ] && [ "$avail" -lt "$need" ]; then echo "$avail KiB free in $d, $need KiB needed" >&2; exit 72; fi',
    't="$d/.svcmgr.push.$$"',
    `trap 'rm -f "$t"' EXIT`,
    'base64 -d | gzip -dc > "$t" || { echo "cannot write $t" >&2; exit 73; }',
    `[ $(( $(wc -c < "$t") )) -eq ${bytes} ] || { echo "$t: short write" >&2; exit 73; }`,
    'chmod 755 "$t" || exit 73',
    // Run before it replaces anything: a binary that cannot run there (architecture, libc, noexec) is no agent.
    'v=$("$t" --version 2>&1) || { echo "$v" >&2; exit 74; }',
    `[ "$v" = ${q(version)} ] || { echo "it answered: $v" >&2; exit 74; }`,
    // --version is answered without unpacking: the self-test unpacks and loads the CLI (a read-only /var fails here).
    's=$("$t" --self-test 2>&1) || { echo "$s" | tail -n 1 >&2; exit 74; }',
    'mv -f "$t" "$d/svcmgr" || exit 73',
    // nodemgr and svcmon by the name it runs under, unless the administrator put a program of their own there.
    'for p in nodemgr svcmon; do if [ ! -e "$d/$p" ] || [ -L "$d/$p" ]; then ln -sf svcmgr "$d/$p"; fi; done',
  ].join('\n');
}

const FAILURES: Record<number, string> = {
  71: `cannot create ${PUSHED_AGENT_DIR}`,
  72: `not enough room in ${PUSHED_AGENT_DIR}`,
  73: `cannot write ${PUSHED_AGENT_DIR}/svcmgr`,
  74: 'the pushed agent does not run or cannot unpack there',
  127: 'the guest has no sh, base64 or gzip',
};

/**
 * After a failed push, the actions the daemon runs (CAPSULE_ORIGIN `daemon of ...`) do not push
 * again for this long; an action run by hand tries at once. A status never pushes.
 */
export const PUSH_RETRY_MS = 600_000;
export const failedPushRecord = (g: Guest) => join(g.svc.varDir, `agent-push-failed.${g.rid}.json`);
const byDaemon = (env: NodeJS.ProcessEnv = process.env) => (env['CAPSULE_ORIGIN'] ?? '').startsWith('daemon of ');

/** The last failed push of this guest, when recent: its time and message. */
export async function recentPushFailure(g: Guest, c: GuestCall): Promise<{ at: number; message: string } | undefined> {
  try {
    const { at, message } = JSON.parse(await readFile(failedPushRecord(g), 'utf8')) as { at: unknown; message: unknown };
    const now = c.runtime.clock?.now() ?? Date.now();
    return typeof at === 'number' && now - at < PUSH_RETRY_MS && typeof message === 'string' ? { at, message } : undefined;
  } catch {
    return undefined;
  }
}

/** A channel that cannot carry the agent: the QEMU guest agent takes about 90 KiB of stdin a command. */
export function cannotCarry(g: Guest): CapsuleError | undefined {
  const kind = g.container.guestChannel().kind;
  if (kind !== 'qga') return undefined;
  return new CapsuleError('GuestAgentPushUnsupported', `${g.rid}: push_agent = true cannot push into ${g.name}: its guest channel (the QEMU guest agent) carries about 90 KiB of stdin a command, the guest agent is 47 MiB`, {
    hint: `reach ${g.name} over ssh (qga = false) to have the agent pushed, or install capsule in ${g.name} and set push_agent = false`,
    details: { rid: g.rid, guest: g.name, channel: kind },
  });
}

/**
 * Writes our agent into the guest and checks that the guest now answers with it. Any failure once the
 * guest is asked (refused, timed out, unreachable, or still no agent after the push) is recorded.
 */
async function pushAgent(g: Guest, c: GuestCall): Promise<void> {
  const refused = cannotCarry(g);
  if (refused) throw refused;
  const failed = byDaemon() ? await recentPushFailure(g, c) : undefined;
  if (failed) {
    throw new CapsuleError('GuestAgentPushFailed', failed.message, {
      hint: `not tried again by the daemon until ${new Date(failed.at + PUSH_RETRY_MS).toISOString()}: a start or stop run by hand tries at once (or remove ${failedPushRecord(g)})`,
      details: { rid: g.rid, guest: g.name },
    });
  }
  const { version, payload } = await agentPayload(c.runtime.exec, guestAgentFile());
  try {
    await push(g, c, version, payload);
    // A guest that said yes without taking it (or whose PATH finds another svcmgr) is a failure too, recorded as one.
    const after = await probe(g, c);
    if (!after.found || after.version !== version) {
      throw new CapsuleError('GuestAgentPushFailed', `${g.rid}: pushed the guest agent into ${g.name}, which still ${after.found ? `answers ${sanitize(after.version.slice(0, 200))} as svcmgr` : 'has no svcmgr'}`, {
        hint: `check ${PUSHED_AGENT_DIR} and the PATH in ${g.name}, or install capsule there and set push_agent = false`,
        details: { rid: g.rid, guest: g.name },
      });
    }
  } catch (e) {
    const message = sanitize(isCapsuleError(e) ? e.message : String(e));
    await atomicWrite(failedPushRecord(g), JSON.stringify({ at: c.runtime.clock?.now() ?? Date.now(), message }) + '\n').catch(() => undefined);
    throw e;
  }
  await rm(failedPushRecord(g), { force: true });
}

async function push(g: Guest, c: GuestCall, version: string, payload: AgentPayload): Promise<void> {
  c.log.info(`${g.name}: pushing the guest agent ${version} (${(payload.bytes / 2 ** 20).toFixed(1)} MiB) into ${PUSHED_AGENT_DIR}`);
  const r = await g.run(c, ['sh', '-c', pushScript(payload.bytes, version)], { timeoutMs: PUSH_TIMEOUT_MS, input: payload.input });
  if (r.code === 0) return;
  // The guest's words, capped and with control characters made visible: it is untrusted.
  const said = sanitize((r.stderr.trim().split('\n').pop() ?? '').slice(0, 300));
  throw new CapsuleError('GuestAgentPushFailed', `${g.rid}: cannot push the guest agent into ${g.name}: ${FAILURES[r.code] ?? `exit ${r.code}`}${said ? ` (${said})` : ''}`, {
    hint:
      r.code === 74
        ? `the agent is built for ${process.platform}-${process.arch} with glibc and unpacks into /var/lib/capsule: install capsule in ${g.name} instead and set push_agent = false, or make /var/lib/capsule writable there`
        : `make room or a writable ${PUSHED_AGENT_DIR} in ${g.name}, or install capsule there and set push_agent = false`,
    details: { rid: g.rid, guest: g.name, exit: r.code },
  });
}

/** What the guest's svcmgr says it is; a channel that finds no svcmgr says so as exit 127 or CommandNotFound. */
async function probe(g: Guest, c: GuestCall): Promise<AgentProbe> {
  let r: ExecResult;
  try {
    r = await g.run(c, ['svcmgr', '--version'], { timeoutMs: VERSION_TIMEOUT_MS });
  } catch (e) {
    if (isCapsuleError(e) && e.code === ErrorCode.CommandNotFound) return { found: false };
    throw e;
  }
  return r.code === 127 ? { found: false } : { found: true, version: r.stdout.trim() };
}

// Per process: one hypervisor command asks each guest once.
const checked = new Set<string>();

/** Before a chained action: the guest's agent is ours (pushed now if missing or older), once per guest and process. */
export async function ensureAgent(g: Guest, c: GuestCall): Promise<void> {
  if (!g.pushAgent || checked.has(g.key)) return;
  const found = await probe(g, c);
  // An agent the administrator installed needs nothing of ours, not even our file.
  if (found.found && !isPushedCopy(found)) {
    checked.add(g.key);
    return;
  }
  let ours: string;
  try {
    ours = await agentVersion(c.runtime.exec, guestAgentFile());
  } catch (e) {
    // Nothing to push here: a guest that has a pushed copy keeps it and works; one with none cannot.
    if (!found.found || !isCapsuleError(e)) throw e;
    c.log.warn(`${g.name} keeps its guest agent ${sanitize(found.version.slice(0, 200))}: ${e.message}`);
    checked.add(g.key);
    return;
  }
  if (pushDecision(found, ours) === 'keep') {
    checked.add(g.key);
    return;
  }
  if (c.runtime.dryRun) {
    const refused = cannotCarry(g);
    if (refused) throw refused;
    c.log.info(`${g.name}: would push the guest agent ${ours} into ${PUSHED_AGENT_DIR}${found.found ? ` over ${sanitize(found.version.slice(0, 200))}` : ''}`);
    if (found.found) return;
    throw new CapsuleError('GuestAgentMissing', `${g.rid}: no capsule agent in ${g.name} yet: a dry run does not push one`, { hint: 'run the action without --dry-run: it pushes the agent first', details: { rid: g.rid, guest: g.name } });
  }
  await pushAgent(g, c);
  checked.add(g.key);
}
