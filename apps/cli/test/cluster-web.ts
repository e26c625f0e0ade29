// The failover service the real cluster tests run: a service address and
// an app answering its node's name on it, with what the tests observe of
// it: which nodes hold it (address up or app alive; two is a double hold),
// sampled every 100 ms, and what a client reaches.
import type { TestCluster, ClusterNode } from '@capsule/testenv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SVC_ADDR = '198.51.100.100';
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
start) [ -f ${n.root}/var/fail-start ] && exit 1; mkdir -p ${n.root}/var; setsid ${process.execPath} -e "require('net').createServer((s) => s.end('${n.name}')).listen(8080, '${SVC_ADDR}')" </dev/null >/dev/null 2>&1 & echo $! > $pidf ;;
stop) [ -f $pidf ] && kill $(cat $pidf) 2>/dev/null; rm -f $pidf ;;
status) [ -f $pidf ] && kill -0 $(cat $pidf) 2>/dev/null ;;
esac
`;

/** Nodes holding the service: its address up on their link, or its app's process alive. */
export async function holders(c: TestCluster): Promise<string[]> {
  const withAddr = await c.addressHolders(SVC_ADDR);
  return [...c.nodes.keys()].filter((name) => withAddr.includes(name) || appAlive(c, name));
}

/**
 * The app's process exists and is not a zombie: one killed (a node powered
 * off) and not yet reaped by init, which here can take a second, holds
 * nothing, though signal 0 still reaches it.
 */
function appAlive(c: TestCluster, name: string): boolean {
  const pidf = join(c.node(name).root, 'var/web.pid');
  if (!existsSync(pidf)) return false;
  try {
    const stat = readFileSync(`/proc/${Number(readFileSync(pidf, 'utf8'))}/stat`, 'utf8');
    // pid (comm) STATE ...: comm may hold spaces and parentheses, the state follows the last ')'.
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
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

export const reach = async (c: TestCluster) => (await c.client.exec(['curl', '-s', '--http0.9', '--max-time', '1', `http://${SVC_ADDR}:8080/`])).stdout;
