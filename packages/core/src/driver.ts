// The contract between the service engine and a driver plugin: what a driver
// module exports, and what a resource it creates can do.
import { z } from 'zod';
import { KeywordSpecShape, type KeywordSpec } from './keywords.js';
import { API_VERSION } from './manifest.js';
import type { Status } from './status.js';

export const DRIVER_BRAND = 'capsule.driver';

export interface ExecOptions {
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Exec = (argv: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ResourceStatus {
  status: Status;
  /** Lines printed under the resource in `print status` (`warn: ...`, `# no checkup scripts`). */
  log: string[];
}

/** What an action on a resource can use: the host's exec, a logger, abort. */
export interface ActionContext {
  exec: Exec;
  log: Logger;
  signal?: AbortSignal;
  dryRun: boolean;
  force: boolean;
}

export interface ResourceInit {
  rid: string;
  svcname: string;
  nodename: string;
  /** The section's evaluated, typed keywords. */
  config: Record<string, unknown>;
  /** Service `[env]` section, for app resources and hooks. */
  env: Record<string, string>;
  /** `$CAPSULE_ROOT`; state files of the driver live under var/lib/capsule. */
  root: string;
  /** The service's node sets as this node reads them. */
  service?: { nodes: string[]; drpnodes: string[]; encapnodes: string[] };
}

export interface Resource {
  readonly rid: string;
  /** Text after the status column of `print status` (`vm1`, `198.51.100.5@eth0`). */
  label(): string;
  start(ctx: ActionContext): Promise<void>;
  stop(ctx: ActionContext): Promise<void>;
  status(ctx: ActionContext): Promise<ResourceStatus>;
}

export interface ContainerCapabilities {
  liveMigrate: boolean;
  exec: 'native' | 'ssh';
}

/** A resource that runs a guest: the service's encapsulated level lives in it. */
export interface ContainerResource extends Resource {
  /** The guest's node name, as listed in `encapnodes`. */
  readonly guestName: string;
  readonly capabilities: ContainerCapabilities;
  exec(ctx: ActionContext, argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  copyTo?(ctx: ActionContext, localPath: string, guestPath: string): Promise<void>;
  copyFrom?(ctx: ActionContext, guestPath: string, localPath: string): Promise<void>;
  migrate?(ctx: ActionContext, toNode: string): Promise<void>;
  /** Files config replication copies with the service file (the container's own config). */
  replicatedFiles?(): string[];
}

export function isContainerResource(r: Resource): r is ContainerResource {
  return typeof (r as Partial<ContainerResource>).exec === 'function' && typeof (r as Partial<ContainerResource>).guestName === 'string';
}

export interface DriverDefinition {
  $$type: typeof DRIVER_BRAND;
  apiVersion: number;
  /** Subset of the manifest's `provides` this module implements. */
  provides: string[];
  keywords: KeywordSpec[];
  create(init: ResourceInit): Resource;
}

/** Checked after import: a module that does not match is DriverBroken, not a crash later. */
export const DriverDefinitionSchema = z.object({
  $$type: z.literal(DRIVER_BRAND),
  apiVersion: z.number().int(),
  provides: z.array(z.string()).min(1),
  keywords: z.array(KeywordSpecShape),
  create: z.custom<DriverDefinition['create']>((v) => typeof v === 'function', 'create must be a function'),
});

export function defineDriver(d: Omit<DriverDefinition, '$$type' | 'apiVersion'>): DriverDefinition {
  return { $$type: DRIVER_BRAND, apiVersion: API_VERSION, ...d };
}
