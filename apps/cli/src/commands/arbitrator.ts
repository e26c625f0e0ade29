// nodemgr arbitrator run: the cluster's tie-breaker, on a host every node
// reaches (not a node itself). It reads [cluster] (name, nodes, secret) and
// listens on [arbitrator#1] address from its own node.conf.
import { arbitratorServer, clusterConfig } from '@capsule/cluster';
import { nodeConfPath, readNodeConfig } from '@capsule/config';
import { CapsuleError, ErrorCode } from '@capsule/core';
import type { CommandContext } from '../spec.js';

export async function run(ctx: CommandContext): Promise<number> {
  if (ctx.positionals[0] !== 'run') throw new CapsuleError(ErrorCode.UsageError, 'nodemgr arbitrator: expected run', { hint: 'nodemgr arbitrator run' });
  const file = nodeConfPath(ctx.root);
  const cluster = await clusterConfig(await readNodeConfig(ctx.root), undefined, file);
  const a = cluster.arbitrators[0];
  if (!a) throw new CapsuleError(ErrorCode.ClusterConfigInvalid, `${file}: no [arbitrator#1] address to listen on`, { hint: 'add [arbitrator#1] address = HOST:PORT, the same as on the nodes' });
  const server = await arbitratorServer({ host: a.host, port: a.port, cluster: cluster.name, nodes: cluster.nodes, secret: cluster.secret });
  ctx.out(`${new Date().toISOString()} arbitrator of cluster ${cluster.name} (${cluster.nodes.join(' ')}) listening on ${a.host}:${a.port}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
}
