// The guest agent this hypervisor pushes, as one state of its file: its
// version and its compressed bytes are read from the same path, inode, mtime
// and size, and kept for that state. A rebuild (written aside, renamed over)
// is a new state: read again, never a version of one file with the bytes of
// another; a push does not compress 84 MiB again when nothing changed.
import { CapsuleError, type Exec } from '@capsule/core';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/** What a pushed agent answers to --version: `VERSION guest-agent BUILD` (tooling/bundle/sea-main.cjs). */
export const PUSHED_VERSION = /^\S+ guest-agent [0-9a-f]+$/;
const VERSION_TIMEOUT_MS = 30_000;
/** A file replaced while it was read is read again, this many times at most. */
const READS = 3;

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

/** What goes on the push's stdin: the file gzipped, in base64 (an Exec's input is text), and its size before. */
export interface AgentPayload {
  bytes: number;
  input: string;
}

interface FileState {
  key: string;
  version: Promise<string>;
  payload?: Promise<AgentPayload | undefined>;
}

// One state per file, the last one seen: a daemon that outlives a rebuild keeps the new one only.
const states = new Map<string, FileState>();

async function keyOf(file: string): Promise<string> {
  const s = await stat(file);
  return `${s.dev}:${s.ino}:${s.mtimeMs}:${s.size}`;
}

function changed(file: string): CapsuleError {
  return new CapsuleError('GuestAgentNotBuilt', `${file} kept changing while it was read: a build in progress?`, { hint: 'wait for the build of the guest agent to end, then retry' });
}

async function versionOf(exec: Exec, file: string): Promise<string> {
  const r = await exec([file, '--version'], { timeoutMs: VERSION_TIMEOUT_MS });
  if (r.code !== 0 || !PUSHED_VERSION.test(r.stdout.trim())) {
    throw new CapsuleError('GuestAgentNotBuilt', `${file} is not a capsule guest agent (\`--version\` exited ${r.code}: ${(r.stdout || r.stderr).trim().slice(0, 200)})`, {
      hint: 'rebuild it with `node tooling/bundle/sea.mjs --from BUILD --out FILE`',
    });
  }
  return r.stdout.trim();
}

/** The current state of `file`, its version read once for it; a failed read is not kept. */
async function current(exec: Exec, file: string): Promise<FileState> {
  for (let i = 0; i < READS; i++) {
    const key = await keyOf(file);
    let s = states.get(file);
    if (s?.key !== key) {
      const version = versionOf(exec, file);
      s = { key, version };
      states.set(file, s);
      const mine = s;
      version.catch(() => states.get(file) === mine && states.delete(file));
    }
    await s.version;
    // Run before and after the same state: the version is that state's.
    if ((await keyOf(file)) === key) return s;
    states.delete(file);
  }
  throw changed(file);
}

/** The version the agent file answers, for its current state. */
export async function agentVersion(exec: Exec, file: string): Promise<string> {
  return (await current(exec, file)).version;
}

/** The version and the payload of one state of the file, compressed once for it. */
export async function agentPayload(exec: Exec, file: string): Promise<{ version: string; payload: AgentPayload }> {
  for (let i = 0; i < READS; i++) {
    const s = await current(exec, file);
    if (!s.payload) {
      const payload = (async () => {
        const bytes = await readFile(file);
        // Read whole from the state the version came from, or read again (undefined).
        if ((await keyOf(file)) !== s.key) return undefined;
        return { bytes: bytes.length, input: (await promisify(gzip)(bytes, { level: 1 })).toString('base64') };
      })();
      s.payload = payload;
      payload.catch(() => s.payload === payload && delete s.payload);
    }
    const payload = await s.payload;
    if (payload) return { version: await s.version, payload };
    if (states.get(file) === s) states.delete(file);
  }
  throw changed(file);
}
