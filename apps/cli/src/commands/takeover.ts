// `takeover` moves a failover service to this node, `giveback` to its
// placement leader (the node the daemon would start it on now), from
// wherever it runs: the node running it is asked over ssh to `switch --to`,
// so the stop and the start happen in order and under that node's lock.
// Where it runs and who leads come from the local daemon's view.
import { eligibleNodes, holds, own, placementOrder } from '@capsule/cluster';
import { peerEndpoint, readNodeConfig, sshDefaults } from '@capsule/config';
import { CapsuleError, ErrorCode } from '@capsule/core';
import { runOnPeer } from '@capsule/service';
import { SshSessions } from '@capsule/transport';
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import type { CommandContext } from '../spec.js';
import { action } from './service.js';
import { serviceName } from './service-config.js';
import type { DaemonView } from './svcmon.js';

/** The node to move to: this one, or the placement leader among the live, unfrozen nodes. */
function target(kind: 'takeover' | 'giveback', d: DaemonView, name: string, nodes: string[]): string {
  if (kind === 'takeover') return d.node;
  const policy = d.policies.find((p) => p.name === name)!;
  // The daemon's views are of the live members: the orchestrator's own rule picks among them.
  const leader = placementOrder(policy, eligibleNodes(name, Object.keys(d.views), d.views), d.views)[0];
  if (!leader) {
    throw new CapsuleError(ErrorCode.NoEligibleNode, `${name}: no live, unfrozen node of ${nodes.join(' ')} can take it`, { hint: 'thaw a node, or bring one back, then give back again' });
  }
  return leader;
}

export function command(kind: 'takeover' | 'giveback') {
  return async (ctx: CommandContext): Promise<number> => {
    const name = serviceName(ctx);
    const d = await ask<DaemonView>(daemonPaths(ctx.root).socket, { cmd: 'status' });
    const policy = d.policies.find((p) => p.name === name);
    if (!policy) throw new CapsuleError(ErrorCode.ServiceNotFound, `the agent daemon of ${d.node} does not orchestrate ${name}`, { hint: `check \`svcmgr -s ${name} print status\` and \`svcmon\`` });
    if (policy.topology === 'flex') {
      throw new CapsuleError(ErrorCode.UsageError, `${name} is a flex service: it runs on several nodes, there is nothing to ${kind}`, { hint: `start or stop instances with \`svcmgr -s ${name} start|stop\` on a node` });
    }
    if (!d.quorum.quorum) throw new CapsuleError(ErrorCode.NoQuorum, `${d.node} has no quorum (${d.quorum.reason}): moving ${name} now could start it twice`, { hint: 'restore the network between the nodes first' });
    const to = target(kind, d, name, policy.nodes);
    const holder = policy.nodes.find((n) => holds(own(own(d.views, n)?.services, name)));
    if (holder === to) {
      ctx.err(`${name} already runs on ${to}\n`);
      return 0;
    }
    if (!holder) {
      if (to !== d.node) throw new CapsuleError(ErrorCode.ActionFailed, `${name} runs nowhere: nothing to give back`, { hint: `start it on ${to}: svcmgr -s ${name} start` });
      return action('start')(ctx);
    }
    if (holder === d.node) return action('switch')({ ...ctx, options: { ...ctx.options, to } });
    const conf = await readNodeConfig(ctx.root);
    const ssh = new SshSessions(sshDefaults(conf, ctx.root));
    try {
      ctx.err(`${name}: asking ${holder} to switch it to ${to}\n`);
      await runOnPeer({ node: holder, exec: ssh.exec(peerEndpoint(conf, holder)) }, name, ['switch', '--to', to]);
    } finally {
      await ssh.close();
    }
    await ask(daemonPaths(ctx.root).socket, { cmd: 'refresh', service: name }, 10_000).catch(() => undefined);
    return 0;
  };
}
