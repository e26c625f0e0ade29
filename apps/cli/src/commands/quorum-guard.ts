// An edit of what decides quorum ([cluster] nodes and quorum, an
// [arbitrator#N]) is checked against the running cluster before it is
// written: `nodemgr set` has the daemon reload node.conf at once, and with
// quorum = true a verdict of no quorum stops every ha service it holds.
// The verdict is @capsule/cluster's selfFence, from the daemon's status.
// Without a daemon nothing runs here, so there is nothing to check.
import { selfFence, type RunningCluster } from '@capsule/cluster';
import type { NodeCheck, NodeConfig } from '@capsule/config';
import { ErrorCode } from '@capsule/core';
import { ask, daemonPaths } from '@capsule/runtime/daemon';

type Issue = Awaited<ReturnType<NodeCheck>>[number];

/** The error refusing the edit of `section.key` (`key` undefined: the whole section) from `before` to `after`, or undefined when it stops nothing. */
export async function selfFenceIssue(root: string, edit: { section: string; key?: string }, before: NodeConfig, after: NodeConfig): Promise<Issue | undefined> {
  // A daemon that does not answer is no daemon: it reloads nothing either.
  const running = await ask<Partial<RunningCluster>>(daemonPaths(root).socket, { cmd: 'status' }, 3000).catch(() => undefined);
  if (!running?.node || !running.peers || !running.views || !running.policies) return undefined;
  const f = selfFence(before, after, running as RunningCluster);
  if (!f) return undefined;
  const first = f.notAlive.length ? `start the agents of ${f.notAlive.join(' ')} first (\`nodemgr daemon start\` there)` : 'bring the cluster back to quorum first (`nodemgr daemon status` says what it lacks)';
  return {
    section: edit.section,
    ...(edit.key !== undefined ? { keyword: edit.key } : {}),
    severity: 'error',
    code: ErrorCode.WouldSelfFence,
    message: `with this file ${running.node} would have no quorum (${f.verdict.reason}) and, as quorum = true, stop its ha services at once: ${f.services.join(', ')}`,
    hint: `${first}, then edit again; or --force to write it anyway`,
  };
}
