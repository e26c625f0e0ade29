// One agent per node: the agent holds var/run/capsule/agent.lock (the
// portable lock of @capsule/config) from before it reads anything until it
// exits. Checking the socket then starting left a window in which two agents
// started together both found it silent; the lock is taken atomically
// (O_EXCL), so the second agent fails at once naming the first. A lock left
// by a killed agent names a dead process and is taken over.
import { acquireLock, lockHolder, type LockHolder, type ProcessProbe } from '@capsule/config';
import { CapsuleError, ErrorCode, isCapsuleError } from '@capsule/core';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { daemonPaths } from './daemon.js';

export interface AgentLockOptions {
  /** Told when the lock of a dead agent is taken over (for the agent's log). */
  onBreak?: (why: string) => void;
  probe?: ProcessProbe;
}

/** Takes the node's agent lock or fails with DaemonAlreadyRunning naming its holder; returns its release. */
export async function holdAgentLock(root: string, o: AgentLockOptions = {}): Promise<() => Promise<void>> {
  const { lock, runDir } = daemonPaths(root);
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  try {
    // No wait: a live holder is a running agent, and it does not go away by itself.
    return await acquireLock(dirname(lock), { name: basename(lock), action: 'agent', waitSeconds: 0, svcname: 'capsule-agent', ...o });
  } catch (e) {
    if (!isCapsuleError(e) || e.code !== ErrorCode.LockTimeout) throw e;
    throw alreadyRunning(lock, e.details['holder'] as LockHolder | undefined);
  }
}

function alreadyRunning(lock: string, h: LockHolder | undefined): CapsuleError {
  // No holder record yet: the other agent created the file an instant ago and is writing it.
  const who = h ? `pid ${h.pid}, since ${h.since}` : 'another one is starting';
  return new CapsuleError(ErrorCode.DaemonAlreadyRunning, `an agent daemon already runs on this node (${who}; lock ${lock})`, {
    hint: h ? `\`nodemgr daemon stop\` first; if pid ${h.pid} is no capsule agent, remove ${lock}` : 'nodemgr daemon status',
    details: { ...(h ? { pid: h.pid } : {}), lock },
  });
}

/** The agent holding the node's lock, when one does (alive, or alive as far as this platform can tell). */
export async function agentHolder(root: string, probe?: ProcessProbe): ReturnType<typeof lockHolder> {
  return lockHolder(daemonPaths(root).lock, probe);
}
