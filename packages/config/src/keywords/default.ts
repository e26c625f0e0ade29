// Keywords of the [DEFAULT] section, owned by the config package.
import { kw, type KeywordSpec } from '@capsule/core';

export const defaultKeywords: KeywordSpec[] = [
  kw.list('nodes', { doc: 'nodes where the service may run (default: this node)' }),
  kw.list('drpnodes', { doc: 'disaster recovery nodes' }),
  kw.string('drpnode', { doc: 'a disaster recovery node, added to drpnodes' }),
  kw.list('encapnodes', { doc: 'containers (by node name) where the encapsulated level of the service runs' }),
  kw.choice('cluster_type', ['failover', 'flex'], { doc: 'topology: failover (one node at a time) or flex (several)', default: 'failover' }),
  kw.choice('topology', ['failover', 'flex'], { doc: 'alias of cluster_type' }),
  kw.int('flex_min_nodes', { doc: 'flex: fewer nodes up than this is a warning', default: 1 }),
  kw.int('flex_max_nodes', { doc: 'flex: never run on more nodes than this' }),
  kw.string('flex_primary', { doc: 'flex: the node that drives the service (default: first of nodes)' }),
  kw.string('drp_flex_primary', { doc: 'flex: the drp node that drives the service (default: first of drpnodes)' }),
  kw.string('autostart_node', { doc: 'nodes where the service starts at boot' }),
  kw.string('app', { doc: 'the application this service belongs to, for reporting', default: 'default' }),
  kw.string('comment', { doc: 'free text about the service' }),
  kw.choice('mode', ['hosted', 'sg', 'rhcs', 'vcs'], { doc: 'service mode; capsule runs hosted services', default: 'hosted' }),
  kw.choice('service_type', ['PRD', 'PPRD', 'REC', 'INT', 'DEV', 'TST', 'TMP', 'DRP', 'FOR', 'PRA', 'PRJ', 'STG'], { doc: 'service environment class' }),
  kw.choice('orchestrate', ['no', 'ha', 'start'], { doc: 'whether the agent daemon starts or fails the service over', default: 'no' }),
  kw.choice('monitor_action', ['reboot', 'crash', 'freezestop', 'switch'], { doc: 'what to do when a monitored resource fails' }),
  kw.string('pre_monitor_action', { doc: 'command run before monitor_action' }),
  kw.list('cluster', { doc: 'name of the cluster the nodes belong to', scopable: false }),
];
