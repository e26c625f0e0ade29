// Whether this node may run a service's actions: it must be one of the
// service's nodes or drpnodes, or a container of encapnodes (the encap level).
import type { EvaluatedConfig } from '@capsule/config';
import { CapsuleError } from '@capsule/core';

export function checkPlacement(cfg: Pick<EvaluatedConfig, 'svcname' | 'nodename' | 'sets'>, action: string, force: boolean): void {
  const { nodes, drpnodes, encapnodes } = cfg.sets;
  if (force || [...nodes, ...drpnodes, ...encapnodes].includes(cfg.nodename)) return;
  throw new CapsuleError('NotAServiceNode', `${cfg.svcname} runs on ${[...nodes, ...drpnodes].join(', ')}, not on ${cfg.nodename}: ${action} refused`, {
    hint: `run it on one of those nodes, add ${cfg.nodename} to nodes (\`svcmgr -s ${cfg.svcname} set --param nodes --value "${[...nodes, cfg.nodename].join(' ')}"\`), or add --force`,
    details: { nodename: cfg.nodename, nodes, drpnodes },
  });
}
