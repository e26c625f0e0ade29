// Network faults as firewall rules inside one test node's namespace, never
// in this machine's own: a partition (nftables, at IP and ARP level) and
// random packet loss (iptables' statistic match; this kernel has no
// netem). The rules go with the namespace when the cluster is disposed.
import type { TestHost } from '@capsule/testenv';

/** The nft table (one inet, one arp) a partition adds; deleting it heals. */
export const PARTITION_TABLE = 'capsule_nemesis';

/** A rule the nemesis could not add or remove. */
export class FirewallFailed extends Error {
  override name = 'FirewallFailed';
}

async function run(host: TestHost, argv: string[], input?: string): Promise<void> {
  const r = await host.exec(argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new FirewallFailed(`${argv.join(' ')} in ${host.ns} exited ${r.code}: ${r.stderr.trim()}`);
}

/**
 * Drops everything to and from `peers`: IP both ways, and ARP, so that no
 * neighbour entry is refreshed either (a cut node still answering ARP is
 * half cut). One nft transaction: all of it or nothing.
 */
export function partitionRuleset(peers: readonly string[]): string {
  const set = `{ ${peers.join(', ')} }`;
  const chains = (match: (dir: 'saddr' | 'daddr') => string) =>
    `  chain input { type filter hook input priority 0; policy accept; ${match('saddr')} drop; }\n` +
    `  chain output { type filter hook output priority 0; policy accept; ${match('daddr')} drop; }\n`;
  return (
    `table inet ${PARTITION_TABLE} {\n${chains((d) => `ip ${d} ${set}`)}}\n` +
    `table arp ${PARTITION_TABLE} {\n${chains((d) => `arp ${d} ip ${set}`)}}\n`
  );
}

export async function partition(host: TestHost, peers: readonly string[]): Promise<void> {
  await run(host, ['nft', '-f', '-'], partitionRuleset(peers));
}

export async function healPartition(host: TestHost): Promise<void> {
  await run(host, ['nft', '-f', '-'], `delete table inet ${PARTITION_TABLE}\ndelete table arp ${PARTITION_TABLE}\n`);
}

/** One iptables rule per direction, each dropping a packet with probability `p`. */
export function lossRules(p: number): string[][] {
  return ['INPUT', 'OUTPUT'].map((chain) => [chain, '-m', 'statistic', '--mode', 'random', '--probability', p.toFixed(2), '-m', 'comment', '--comment', 'capsule-nemesis', '-j', 'DROP']);
}

export async function addLoss(host: TestHost, p: number): Promise<void> {
  for (const rule of lossRules(p)) await run(host, ['iptables', '-w', '-A', ...rule]);
}

export async function removeLoss(host: TestHost, p: number): Promise<void> {
  for (const rule of lossRules(p)) await run(host, ['iptables', '-w', '-D', ...rule]);
}
