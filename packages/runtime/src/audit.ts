// Who did what: every command that changes a service or the node is written
// with its actor (user, uid, pid) and origin (command line, ssh from a peer,
// the daemon and its reason, a hypervisor) to the node's audit log
// (var/log/capsule/audit.log, `nodemgr logs`) and, for a service, to the
// service log. Values of secret-looking keywords never reach either.
import { appendRotating } from '@capsule/service/logfile';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';

const SECRET = /pass|secret|token|key|credential/i;

export interface Actor {
  user: string;
  uid: number;
  pid: number;
  origin: string;
}

/** The process's actor; `CAPSULE_ORIGIN` (set by the daemon and by hypervisors) else ssh's client address, else the command line. */
export function actorOf(env: Readonly<Record<string, string | undefined>>): Actor {
  const u = (() => {
    try {
      return userInfo();
    } catch {
      return { username: String(process.getuid?.() ?? '?'), uid: process.getuid?.() ?? -1 };
    }
  })();
  const ssh = env['SSH_CONNECTION']?.split(' ')[0];
  const origin = env['CAPSULE_ORIGIN'] || (ssh ? `ssh from ${ssh}` : 'command line');
  return { user: u.username, uid: u.uid, pid: process.pid, origin };
}

/** The command line as written, the value of a secret-looking `--param` (or `--value` after one) masked. */
export function maskedArgs(argv: readonly string[]): string {
  const out: string[] = [];
  let secretParam = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--param') secretParam = SECRET.test(argv[i + 1] ?? '');
    if (a === '--value' && secretParam) {
      out.push(a, '***');
      i++;
      continue;
    }
    out.push(/\s/.test(a) || a === '' ? JSON.stringify(a) : a);
  }
  return out.join(' ');
}

export const describeActor = (a: Actor) => `${a.user} (uid ${a.uid}, pid ${a.pid}) from ${a.origin.replace(/\s+/g, ' ')}`;

export interface AuditEntry {
  root: string;
  program: string;
  argv: readonly string[];
  actor: Actor;
  service?: string;
  /** Exit code, when done. */
  code?: number;
  /** Duration in ms, when done. */
  ms?: number;
}

export function auditLine(e: AuditEntry, at: Date): string {
  const done = e.code === undefined ? 'begin' : `exit ${e.code} after ${e.ms ?? 0} ms`;
  return `${at.toISOString()} ${e.program} ${maskedArgs(e.argv)}: ${done}, by ${describeActor(e.actor)}\n`;
}

/** Appends the entry to the audit log, and the begin line to the service's log when the service exists here. */
export async function audit(e: AuditEntry, at = new Date()): Promise<void> {
  const line = auditLine(e, at);
  await appendRotating(join(e.root, 'var/log/capsule/audit.log'), line, { mode: 0o600 });
  const varDir = e.service ? join(e.root, 'var/lib/capsule', e.service) : undefined;
  if (varDir && e.code === undefined && existsSync(varDir)) {
    await appendRotating(join(varDir, 'log'), `${at.toISOString()} INFO  ${e.service}: ${e.program} ${maskedArgs(e.argv)} by ${describeActor(e.actor)}\n`);
  }
}
