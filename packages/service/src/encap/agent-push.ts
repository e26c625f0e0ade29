// The guest agent pushed into a guest without one (`push_agent = true` on its
// container): the hypervisor's single executable (lib/guest/svcmgr of its
// build, or $CAPSULE_GUEST_AGENT) is written through the guest channel,
// gzipped and base64 on stdin, beside svcmgr's place in the guest's PATH,
// checked to run there, then renamed into place. A guest whose svcmgr is an
// older pushed copy gets this one; a capsule installed by other means is left alone.
import { CapsuleError, isCapsuleError, ErrorCode, type ExecResult } from '@capsule/core';
import { atomicWrite } from '@capsule/config';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { sanitize } from '../sanitize.js';
import type { Guest, GuestCall } from './guest.js';

/** Where the pushed agent goes: on the PATH of every channel (lxc-attach --clear-env sets it, ssh and qga have it). */
export const PUSHED_AGENT_DIR = '/usr/local/bin';
const PUSH_TIMEOUT_MS = 300_000;
const VERSION_TIMEOUT_MS = 30_000;
/** What a pushed agent answers to --version: `VERSION guest-agent BUILD` (tooling/bundle/sea-main.cjs). */
const PUSHED_VERSION = /^\S+ guest-agent [0-9a-f]+$/;

export type AgentProbe = { found: false } | { found: true; version: string };

/**
 * Push or keep, from what the guest's `svcmgr --version` answered and the
 * version of the agent we hold: no agent, or a pushed copy of another build,
 * is replaced; an agent installed by other means (Node and capsule) is the
 * administrator's and is kept, whatever its version.
 */
export function pushDecision(probe: AgentProbe, ours: string): 'push' | 'keep' {
  if (!probe.found) return 'push';
  return PUSHED_VERSION.test(probe.version) && probe.version !== ours ? 'push' : 'keep';
}

/**
 * The guest side of a push: a shell script for `sh -c`, with the file on stdin. Exit codes:
 * 71 no directory, 72 no room, 73 a write failed, 74 the copy does not run there.
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
    'mv -f "$t" "$d/svcmgr" || exit 73',
    // nodemgr and svcmon by the name it runs under, unless the administrator put a program of their own there.
    'for p in nodemgr svcmon; do if [ ! -e "$d/$p" ] || [ -L "$d/$p" ]; then ln -sf svcmgr "$d/$p"; fi; done',
  ].join('\n');
}

/** The agent this hypervisor pushes: $CAPSULE_GUEST_AGENT, else lib/guest/svcmgr of the build the running CLI is part of. */
export function guestAgentFile(env: NodeJS.ProcessEnv = process.env): string {
  const set = env['CAPSULE_GUEST_AGENT'];
  // Bundled, this module is lib/cli/dist/chunks/X.js (or dist/bin/X.js) of a build: lib/ is three levels up.
  const file = set || fileURLToPath(new URL('../../../guest/svcmgr', import.meta.url));
  if (!existsSync(file)) {
    throw new CapsuleError('GuestAgentNotBuilt', `no guest agent to push: ${set ? `CAPSULE_GUEST_AGENT=${set} does not exist` : `this capsule has no ${file}`}`, {
      hint: 'install a linux build of capsule (pnpm dist --platform linux puts it in lib/guest/svcmgr), or build one with `node tooling/bundle/sea.mjs --from BUILD --out FILE` and set CAPSULE_GUEST_AGENT=FILE; or install capsule in the guest and set push_agent = false',
    });
  }
  return file;
}

// Per process: one hypervisor command asks each guest once, and runs the local binary once.
const ourVersions = new Map<string, Promise<string>>();
const checked = new Set<string>();

async function ourVersion(g: Guest, c: GuestCall, file: string): Promise<string> {
  let v = ourVersions.get(file);
  if (!v) {
    v = c.runtime.exec([file, '--version'], { timeoutMs: VERSION_TIMEOUT_MS }).then((r) => {
      if (r.code !== 0 || !PUSHED_VERSION.test(r.stdout.trim())) {
        throw new CapsuleError('GuestAgentNotBuilt', `${g.rid}: ${file} is not a capsule guest agent (\`--version\` exited ${r.code}: ${(r.stdout || r.stderr).trim().slice(0, 200)})`, {
          hint: 'rebuild it with `node tooling/bundle/sea.mjs --from BUILD --out FILE`',
        });
      }
      return r.stdout.trim();
    });
    v.catch(() => ourVersions.delete(file));
    ourVersions.set(file, v);
  }
  return v;
}

const FAILURES: Record<number, string> = {
  71: `cannot create ${PUSHED_AGENT_DIR}`,
  72: `not enough room in ${PUSHED_AGENT_DIR}`,
  73: `cannot write ${PUSHED_AGENT_DIR}/svcmgr`,
  74: 'the pushed agent does not run there',
  127: 'the guest has no sh, base64 or gzip',
};

/** A push that failed is not tried again by a call for this long, except by an action (ensureAgent): the daemon asks every guest's status every few seconds. */
export const PUSH_RETRY_MS = 600_000;
const failedRecord = (g: Guest) => join(g.svc.varDir, `agent-push-failed.${g.rid}.json`);

async function recentFailure(g: Guest, c: GuestCall): Promise<string | undefined> {
  try {
    const { at, message } = JSON.parse(await readFile(failedRecord(g), 'utf8')) as { at: number; message: string };
    const now = c.runtime.clock?.now() ?? Date.now();
    return typeof at === 'number' && now - at < PUSH_RETRY_MS && typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes our agent into the guest; a failure is GuestAgentPushFailed saying what the guest lacks, and
 * with `backoff` (a call that found no agent), a failure of the last PUSH_RETRY_MS is not tried again.
 */
export async function pushAgent(g: Guest, c: GuestCall, o: { backoff?: boolean } = {}): Promise<void> {
  const failed = o.backoff ? await recentFailure(g, c) : undefined;
  if (failed) {
    throw new CapsuleError('GuestAgentPushFailed', failed, { hint: `the next start or stop tries again (or remove ${failedRecord(g)})`, details: { rid: g.rid, guest: g.name } });
  }
  try {
    await push(g, c);
  } catch (e) {
    if (isCapsuleError(e) && e.code === 'GuestAgentPushFailed') {
      await atomicWrite(failedRecord(g), JSON.stringify({ at: c.runtime.clock?.now() ?? Date.now(), message: e.message }) + '\n').catch(() => undefined);
    }
    throw e;
  }
  await rm(failedRecord(g), { force: true });
}

async function push(g: Guest, c: GuestCall): Promise<void> {
  const file = guestAgentFile();
  const version = await ourVersion(g, c, file);
  if (c.runtime.dryRun) {
    c.log.info(`${g.name}: would push the guest agent ${version} into ${PUSHED_AGENT_DIR}`);
    throw new CapsuleError('GuestAgentMissing', `${g.rid}: no capsule agent in ${g.name} yet: a dry run does not push one`, { hint: 'run the action without --dry-run: it pushes the agent first', details: { rid: g.rid, guest: g.name } });
  }
  const bytes = await readFile(file);
  c.log.info(`${g.name}: pushing the guest agent ${version} (${(bytes.length / 2 ** 20).toFixed(1)} MiB) into ${PUSHED_AGENT_DIR}`);
  const input = (await promisify(gzip)(bytes, { level: 1 })).toString('base64');
  const r = await g.run(c, ['sh', '-c', pushScript(bytes.length, version)], { timeoutMs: PUSH_TIMEOUT_MS, input });
  if (r.code === 0) {
    checked.add(g.key);
    return;
  }
  // The guest's words, capped and with control characters made visible: it is untrusted.
  const said = sanitize((r.stderr.trim().split('\n').pop() ?? '').slice(0, 300));
  throw new CapsuleError('GuestAgentPushFailed', `${g.rid}: cannot push the guest agent into ${g.name}: ${FAILURES[r.code] ?? `exit ${r.code}`}${said ? ` (${said})` : ''}`, {
    hint:
      r.code === 74
        ? `the agent is built for ${process.platform}-${process.arch} with glibc: install capsule in ${g.name} instead and set push_agent = false`
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

/** Before a chained action: the guest's agent is ours (pushed now if missing or older), once per guest and process. */
export async function ensureAgent(g: Guest, c: GuestCall): Promise<void> {
  if (!g.pushAgent || checked.has(g.key)) return;
  const found = await probe(g, c);
  // An agent the administrator installed needs nothing of ours, not even our file.
  if (found.found && pushDecision(found, '') === 'keep') {
    checked.add(g.key);
    return;
  }
  let ours: string;
  try {
    ours = await ourVersion(g, c, guestAgentFile());
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
  if (c.runtime.dryRun) c.log.info(`${g.name}: would push the guest agent ${ours} into ${PUSHED_AGENT_DIR}${found.found ? ` over ${sanitize(found.version.slice(0, 200))}` : ''}`);
  else await pushAgent(g, c);
}
