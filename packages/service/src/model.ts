// A service at run time: its pure spec (spec.ts) with each resource bound to
// the driver object that acts on it here.
import type { DriverCapabilities, Resource } from '@capsule/core';
import type { ResourceSpec, ServiceSpec } from './spec.js';

export type { Level } from './spec.js';

export interface ServiceResource extends ResourceSpec {
  /** The driver's resource; absent when it does not run at this level or is disabled. */
  resource?: Resource;
  /** What its driver's manifest declares (guest channel, agentless, live migration). */
  capabilities?: DriverCapabilities;
}

export interface Service extends ServiceSpec {
  resources: ServiceResource[];
  /** `$CAPSULE_ROOT`. */
  root: string;
  /** `$CAPSULE_ROOT/var/lib/capsule/<svc>`. */
  varDir: string;
  configFile: string;
}
