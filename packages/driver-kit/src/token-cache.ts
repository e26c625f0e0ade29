// An API session kept across commands: each capsule command is a new
// process, and a login per command would pile sessions up on the endpoint
// (vCenter, Keystone, Cloud Director) until their idle timeout. The token
// is a credential: its file is the agent's alone (0600), named by a hash of
// the endpoint and the user, and used only until its expiry.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './files.js';

export class TokenCache {
  readonly file: string;

  /** `dir` is the driver's state directory ($CAPSULE_ROOT/var/lib/capsule/driver.TYPE). */
  constructor(dir: string, endpoint: string, user: string) {
    this.file = join(dir, `${createHash('sha256').update(`${endpoint}\n${user}`).digest('hex').slice(0, 32)}.token`);
  }

  /** The token and what was kept with it, unless absent, unreadable or within `marginMs` of its expiry. */
  async get(now: number, marginMs = 0): Promise<{ token: string; expiresAt: number; data: Record<string, string> } | undefined> {
    try {
      const t = JSON.parse(await readFile(this.file, 'utf8')) as { token?: unknown; expiresAt?: unknown; data?: Record<string, string> };
      if (typeof t.token !== 'string' || typeof t.expiresAt !== 'number' || t.expiresAt - marginMs <= now) return undefined;
      return { token: t.token, expiresAt: t.expiresAt, data: t.data ?? {} };
    } catch {
      return undefined;
    }
  }

  /** `data`: what the session needs besides the token (an endpoint from a service catalog). */
  async set(token: string, expiresAt: number, data: Record<string, string> = {}): Promise<void> {
    await writeFileAtomic(this.file, JSON.stringify({ token, expiresAt, data }), 0o600);
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
