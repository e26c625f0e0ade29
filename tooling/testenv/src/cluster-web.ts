// The failover service the real cluster tests and the nemesis run: a
// service address and an app answering its node's name on it, with what
// they observe of it: which nodes hold it (address up or app alive; two is a
// double hold), sampled every 100 ms. One copy, so every tool judges the
// same service by the same rule.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterNode, TestCluster } from './cluster.js';
import { pidInNamespace } from './netns.js';

export const SVC_ADDR = '198.51.100.100';
/** The port the app answers on. */
export const SVC_PORT = 8080;

export const webConf = (nodes: string) => `[DEFAULT]
nodes = ${nodes}
orchestrate = ha

[ip#1]
ipname = ${SVC_ADDR}
ipdev = eth0

[app#1]
script = web.sh
start = 10
stop = 10
check = 10
monitor = true
restart = 1
`;

/** A TCP server on the service address answering the node's name: what the client checks. Its start fails where var/fail-start exists. */
export const webScript = (n: ClusterNode) => `#!/bin/sh
pidf=${n.root}/var/web.pid
case "$1" in
start) [ -f ${n.root}/var/fail-start ] && exit 1; mkdir -p ${n.root}/var; setsid ${process.execPath} -e "require('net').createServer((s) => s.end('${n.name}')).listen(${SVC_PORT}, '${SVC_ADDR}')" </dev/null >/dev/null 2>&1 & echo $! > $pidf ;;
stop) [ -f $pidf ] && kill $(cat $pidf) 2>/dev/null; rm -f $pidf ;;
status) [ -f $pidf ] && kill -0 $(cat $pidf) 2>/dev/null ;;
esac
`;

/** The service file and its script, written on every node of `c`. */
export const writeWebService = (c: TestCluster) => c.writeService('web', () => webConf([...c.nodes.keys()].join(' ')), { 'etc/capsule/web.d/web.sh': webScript });

/** Nodes holding the service: its address up on their link, or its app's process alive. */
export async function holders(c: TestCluster): Promise<string[]> {
  const withAddr = await c.addressHolders(SVC_ADDR);
  return [...c.nodes.keys()].filter((name) => withAddr.includes(name) || appAlive(c, name));
}

/** Whether the pid in the node's web.pid is alive in the node's namespace (a node powered off leaves its pid file behind). */
function appAlive(c: TestCluster, name: string): boolean {
  const n = c.node(name);
  try {
    return pidInNamespace(Number(readFileSync(join(n.root, 'var/web.pid'), 'utf8')), n.host.ns);
  } catch {
    return false;
  }
}

/** Samples holders every 100 ms until stopped; records every moment with more than one, and every node seen holding. */
export function sampler(c: TestCluster) {
  const doubles: string[] = [];
  const seen = new Set<string>();
  let running = true;
  const done = (async () => {
    while (running) {
      const h = await holders(c);
      h.forEach((x) => seen.add(x));
      if (h.length > 1) doubles.push(`${new Date().toISOString()} ${h.join(',')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    doubles,
    seen,
    stop: async () => {
      running = false;
      await done;
      return doubles;
    },
  };
}
