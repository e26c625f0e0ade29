// Where the agent daemon keeps its socket, pid and log under CAPSULE_ROOT.
import { join } from 'node:path';

export function daemonPaths(root: string) {
  return {
    runDir: join(root, 'var/run/capsule'),
    socket: join(root, 'var/run/capsule/agent.sock'),
    pid: join(root, 'var/run/capsule/agent.pid'),
    log: join(root, 'var/log/capsule/agent.log'),
    /** `nodemgr freeze`: the daemon starts and stops nothing on this node. */
    nodeFrozen: join(root, 'var/lib/capsule/node.frozen'),
  };
}
