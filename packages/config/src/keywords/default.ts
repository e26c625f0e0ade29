// Keywords of the [DEFAULT] section, owned by the config package.
import { durationFromString, kw, ValueParser, type KeywordSpec } from '@capsule/core';

/** OpenSVC's duration_minute: `90` is 90 minutes, `90s` 90 seconds; the value is in seconds, as every duration. */
export const durationInMinutes = new ValueParser<number>((s) => {
  const r = durationFromString.safeParse(/^\s*\d+\s*$/.test(s) ? `${s.trim()}m` : s);
  return r.success ? { value: r.data } : { problem: r.error.issues.map((i) => i.message).join('; ') };
});

export const defaultKeywords: KeywordSpec[] = [
  kw.list('nodes', { doc: 'nodes where the service may run (default: this node)' }),
  kw.list('drpnodes', { doc: 'disaster recovery nodes' }),
  // Ignoring it would let the daemon place the service where the admin's expression forbids it.
  kw.string('constraints', { doc: 'OpenSVC placement constraints (an expression over node labels): not supported by capsule; refused at validation', check: () => 'capsule does not evaluate placement constraints: the daemon would place the service where they forbid it; restrict nodes, or use hard_affinity/hard_anti_affinity' }),
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
  // OpenSVC b2.1's classes, all of them: a file valid there names one of these.
  kw.choice('env', ['PRD', 'PPRD', 'PPR', 'REC', 'INT', 'DEV', 'TST', 'TMP', 'DRP', 'FOR', 'PRA', 'PRJ', 'STG', 'CERT', 'MUS', 'POC', 'QUAL', 'RCT', 'UAT'], {
    doc: 'service environment class; formerly service_type',
  }),
  kw.choice('orchestrate', ['no', 'ha', 'start'], { doc: 'whether the agent daemon starts or fails the service over', default: 'no' }),
  kw.choice('placement', ['nodes order', 'spread', 'load avg', 'score', 'none'], { doc: 'how the daemon picks the node of a failover service', default: 'nodes order' }),
  kw.bool('failback', { doc: 'move a failover service back to the first node of nodes when it returns', default: false }),
  kw.bool('stonith', { doc: 'failover: before taking the service over, fence (power off) every node of it that is lost, with its [stonith#NODE] cmd of node.conf, and see it succeed', default: false }),
  kw.choice('monitor_action', ['reboot', 'crash', 'freezestop', 'switch'], { doc: 'what to do when a monitored resource fails' }),
  kw.string('pre_monitor_action', { doc: 'command run before monitor_action' }),
  kw.list('cluster', { doc: 'name of the cluster the nodes belong to', scopable: false }),
  kw.int('flex_target', { doc: 'flex: the number of instances the daemon keeps up, between flex_min and flex_max (default: flex_min)' }),
  kw.int('priority', { doc: 'the daemon starts the services of lower priority first when [node] max_parallel holds starts back (0 first)', default: 100 }),
  kw.list('parents', { doc: 'services that must be up (on some node) before the daemon starts this one' }),
  kw.list('children', { doc: 'services that must be down everywhere before the daemon stops this one' }),
  kw.list('hard_affinity', { doc: 'services that must run on a node for the daemon to start this one there' }),
  kw.list('hard_anti_affinity', { doc: 'services that must not run on a node for the daemon to start this one there' }),
  kw.list('soft_affinity', { doc: 'services the daemon prefers this one beside: nodes running them come first, unless no node does' }),
  kw.list('soft_anti_affinity', { doc: 'services the daemon prefers this one away from: nodes running them come last' }),
  kw.bool('rollback', { doc: 'stop what a failed start started (--disable-rollback for one action)', default: true }),
  kw.duration('lock_timeout', { doc: 'how long an action waits for the service lock (--waitlock for one action)', default: 60 }),
  // OpenSVC's schedules and collector settings: accepted so that its files read without warnings, documented as having no
  // effect (capsule's daemon computes status on events and pushes a config when it changes; there is no scheduler or collector).
  ...['status_schedule', 'comp_schedule', 'monitor_schedule', 'push_schedule', 'resinfo_schedule', 'run_schedule', 'sync_schedule'].map((name) =>
    kw.string(name, { doc: `OpenSVC: when its scheduler runs ${name.replace('_schedule', '')}; no effect in capsule (no scheduler: status is computed on events)` }),
  ),
  kw.duration('sync_interval', { doc: 'OpenSVC: the least time between two data syncs; no effect in capsule (no data replication)' }),
  kw.parsed('sync_max_delay', durationInMinutes, { doc: 'OpenSVC: a data sync older than this is a warning (a bare number is minutes, as OpenSVC reads it); no effect in capsule (no data replication)' }),
  kw.bool('create_pg', { doc: 'OpenSVC: put the service in its own cgroup; no effect in capsule', default: true }),
  kw.bool('show_disabled', { doc: 'OpenSVC: list disabled resources in print status; capsule always lists them', default: true }),
];
