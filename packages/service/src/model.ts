// A service as the engine sees it: resources with their flags, built by
// their drivers when they run at this level.
import type { Resource } from '@capsule/core';

export type Level = 'hypervisor' | 'encap';

export interface ServiceResource {
  rid: string;
  group: string;
  type?: string;
  tags: string[];
  subset?: string;
  disable: boolean;
  optional: boolean;
  monitor: boolean;
  standby: boolean;
  encap: boolean;
  /** pre_start, blocking_post_stop...: keyword -> shell command. */
  hooks: Record<string, string>;
  /** App sequence numbers (`start`, `stop` keywords of app resources). */
  startSeq?: number;
  stopSeq?: number;
  /** The driver's resource; absent when it does not run at this level or is disabled. */
  resource?: Resource;
}

export interface Service {
  svcname: string;
  nodename: string;
  level: Level;
  nodes: string[];
  encapnodes: string[];
  env: Record<string, string>;
  resources: ServiceResource[];
  subsets: Record<string, { parallel: boolean }>;
  /** `$CAPSULE_ROOT/var/lib/capsule/<svc>`. */
  varDir: string;
  configFile: string;
}
