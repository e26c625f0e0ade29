// Keywords every resource section accepts, whatever its driver.
import { kw, type KeywordSpec } from '@capsule/core';

/** Actions that take pre_/post_/blocking_pre_/blocking_post_ hooks. */
export const HOOK_ACTIONS = [
  'start', 'stop', 'startstandby', 'startip', 'stopip', 'startfs', 'stopfs', 'startdisk', 'stopdisk', 'startshare', 'stopshare',
  'startcontainer', 'stopcontainer', 'startapp', 'stopapp', 'provision', 'unprovision', 'sync_nodes', 'sync_drp',
] as const;

export const HOOK_PREFIXES = ['blocking_pre_', 'blocking_post_', 'pre_', 'post_'] as const;

export const resourceKeywords: KeywordSpec[] = [
  kw.string('type', { doc: 'the driver of the resource (container type, fs type...)' }),
  kw.list('tags', { doc: 'tags for --tags selection; the encap tag moves the resource into the containers' }),
  kw.string('subset', { doc: 'the subset of its group this resource belongs to' }),
  kw.bool('disable', { doc: 'ignore this resource in actions; its status is n/a', default: false }),
  kw.bool('optional', { doc: 'a failure of this resource does not fail the action', default: false }),
  kw.bool('monitor', { doc: 'the agent daemon watches this resource', default: false }),
  kw.int('restart', { doc: 'times the daemon restarts the resource before monitor_action', default: 0 }),
  kw.bool('standby', { doc: 'keep the resource up on standby nodes too; formerly always_on', default: false }),
  kw.bool('encap', { doc: 'the resource is driven by the agent in the container (same as tags = encap)', default: false }),
  kw.string('comment', { doc: 'free text about the resource' }),
  kw.string('start_requires', { doc: 'conditions `rid(state,...)` that must hold before this resource starts (states default to up, stdby up)' }),
  kw.string('stop_requires', { doc: 'conditions `rid(state,...)` that must hold before this resource stops' }),
  kw.string('provision_requires', { doc: 'OpenSVC provisioning condition: accepted, capsule has no provision action' }),
  kw.string('unprovision_requires', { doc: 'OpenSVC provisioning condition: accepted, capsule has no unprovision action' }),
  kw.duration('restart_delay', { doc: 'the least time between two restarts of this resource by the daemon (with restart)', default: 0 }),
  kw.bool('shared', { doc: 'OpenSVC provisioning: provisioned once for all nodes; accepted, capsule has no provision action', default: false }),
  kw.bool('provision', { doc: 'OpenSVC provisioning: accepted, capsule has no provision action', default: true }),
  kw.bool('unprovision', { doc: 'OpenSVC provisioning: accepted, capsule has no unprovision action', default: true }),
];

/** pre_start, blocking_post_stopfs...: shell commands run around an action. */
export function hookKeyword(keyword: string): KeywordSpec | undefined {
  const prefix = HOOK_PREFIXES.find((p) => keyword.startsWith(p));
  if (!prefix || !(HOOK_ACTIONS as readonly string[]).includes(keyword.slice(prefix.length))) return undefined;
  const blocking = prefix.startsWith('blocking');
  return kw.string(keyword, {
    doc: `command run ${prefix.includes('pre') ? 'before' : 'after'} ${keyword.slice(prefix.length)}${blocking ? '; its failure aborts the action' : ''}`,
  });
}

export const subsetKeywords: KeywordSpec[] = [
  kw.bool('parallel', { doc: 'start and stop the resources of this subset concurrently', default: false }),
];
