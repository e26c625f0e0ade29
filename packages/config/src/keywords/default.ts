// Keywords of the [DEFAULT] section, owned by the config package.
import { kw, type KeywordSpec } from '@capsule/core';

export const defaultKeywords: KeywordSpec[] = [
  kw.list('nodes', { doc: 'nodes where the service may run (default: this node)' }),
  kw.list('drpnodes', { doc: 'disaster recovery nodes' }),
  kw.string('drpnode', { doc: 'a disaster recovery node, added to drpnodes' }),
  kw.list('encapnodes', { doc: 'containers (by node name) where the encapsulated level of the service runs' }),
  kw.string('id', { doc: 'the object id, a uuid shared by every node (default: derived from the service name)', scopable: false }),
  kw.choice('topology', ['failover', 'flex'], { doc: 'failover (one node at a time) or flex (several); formerly cluster_type', default: 'failover' }),
  kw.int('flex_min', { doc: 'flex: fewer nodes up than this is a warning; formerly flex_min_nodes', default: 1 }),
  kw.int('flex_max', { doc: 'flex: never run on more nodes than this; formerly flex_max_nodes' }),
  kw.string('flex_primary', { doc: 'flex: the node that drives the service (default: first of nodes)' }),
  kw.string('drp_flex_primary', { doc: 'flex: the drp node that drives the service (default: first of drpnodes)' }),
  kw.string('autostart_node', { doc: 'nodes where the service starts at boot' }),
  kw.string('app', { doc: 'the application this service belongs to, for reporting', default: 'default' }),
  kw.string('comment', { doc: 'free text about the service' }),
  kw.choice('env', ['PRD', 'PPRD', 'REC', 'INT', 'DEV', 'TST', 'TMP', 'DRP', 'FOR', 'PRA', 'PRJ', 'STG'], { doc: 'service environment class; formerly service_type' }),
  kw.choice('orchestrate', ['no', 'ha', 'start'], { doc: 'whether the agent daemon starts or fails the service over', default: 'no' }),
  kw.choice('placement', ['nodes order', 'spread', 'load avg', 'score', 'none'], { doc: 'how the daemon picks the node of a failover service', default: 'nodes order' }),
  kw.bool('failback', { doc: 'move a failover service back to the first node of nodes when it returns', default: false }),
  kw.bool('stonith', { doc: 'failover: before taking the service over, fence (power off) every node of it that is lost, with its [stonith#NODE] cmd of node.conf, and see it succeed', default: false }),
  kw.choice('monitor_action', ['reboot', 'crash', 'freezestop', 'switch'], { doc: 'what to do when a monitored resource fails' }),
  kw.string('pre_monitor_action', { doc: 'command run before monitor_action' }),
  kw.list('cluster', { doc: 'name of the cluster the nodes belong to', scopable: false }),
];
