// The contract between the service engine and a driver plugin (v2): what a
// driver module exports, what a resource it creates can do, and what the
// engine hands it (the host its tools run on, its node-level settings, the
// guest channel). Designed for the 14 container technologies of the mission:
// local tools (lxc, virsh, zoneadm), tools on a remote-managed host over ssh
// (hpvm, srp, ldom) and REST endpoints (esx, openstack, vcloud).
import type { Clock } from './context.js';
import { keywordSpecProblems, type KeywordSpec, type SectionConfig } from './keywords.js';
import { API_VERSION } from './manifest.js';
import type { Status } from './status-values.js';

export const DRIVER_BRAND = 'capsule.driver';

export interface ExecOptions {
  input?: string;
  env?: Record<string, string>;
  cwd?: string;
  /** The command's whole process group is killed at the timeout, and the call returns then (ExecTimeout). */
  timeoutMs?: number;
  /** Aborting kills the process group and rejects with ExecAborted. */
  signal?: AbortSignal;
  /** Stdout or stderr past this many bytes kills the command (OutputTooLarge). Default 16 MiB. */
  maxOutputBytes?: number;
  /** Called with stderr as it arrives (a guest's progress); the whole of it is still returned. */
  onStderr?: (text: string) => void;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs argv (never a shell string) somewhere: this node, a remote host, a guest. */
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

/** What an action on a resource can use. */
export interface ActionContext {
  /**
   * Runs a tool where this resource is managed from: this node, or for a
   * remote-managed driver its endpoint host. Already bound to `signal`.
   */
  exec: Exec;
  log: Logger;
  /** Aborted when the action or status check times out or is cancelled. */
  signal: AbortSignal;
  clock: Clock;
  dryRun: boolean;
  force: boolean;
}

/** A container's actions also reach its guest, through the channel the engine built from `guestChannel()`. */
export interface ContainerContext extends ActionContext {
  guest: Exec;
}

/** Node-level settings of a driver: the `[driver.TYPE]` section of node.conf. */
export interface DriverSettings {
  readonly values: Readonly<Record<string, string>>;
  /** Reads the file a setting names; refuses one that others than root can read or write. */
  secret(keyword: string): Promise<string>;
}

export interface ServiceNodeSets {
  nodes: string[];
  drpnodes: string[];
  encapnodes: string[];
}

export interface ResourceInit<C = Record<string, unknown>> {
  rid: string;
  svcname: string;
  nodename: string;
  /** The section's evaluated keywords, parsed by their schemas, defaults applied. */
  config: C;
  /** Service `[env]` section, for app resources and hooks. */
  env: Record<string, string>;
  /** `$CAPSULE_ROOT`; state files of the driver live under var/lib/capsule. */
  root: string;
  /** The service's node sets as this node reads them. */
  service: ServiceNodeSets;
  settings: DriverSettings;
}

export interface Resource {
  readonly rid: string;
  /** Text after the status column of `print status` (`vm1`, `198.51.100.5@eth0`). */
  label(): string;
  start(ctx: ActionContext): Promise<void>;
  stop(ctx: ActionContext): Promise<void>;
  status(ctx: ActionContext): Promise<ResourceStatus>;
  /**
   * Disk drivers: the block devices the resource holds (OpenSVC's sub
   * devices: a VG's PVs, an md array's members, a pool's vdevs), whether it
   * is started or not. A disk section with `scsireserv = true` reserves them
   * (its `<rid>pr` resource) before the disk starts and releases them after
   * it stops. Absent: the resource holds no device a reservation could take.
   */
  devices?(ctx: ActionContext): Promise<string[]>;
  /**
   * Closes what the resource holds open in this process (connections,
   * sockets, timers); the engine calls it once the command is done, and the
   * agent daemon after every status round. Not for a session kept on
   * purpose for the next command (esx and vcloud keep their API token):
   * ending it here would log in again at every command.
   */
  dispose?(): Promise<void>;
}

/**
 * How the engine reaches a guest. `native`: a command prefix run on the
 * hypervisor (`lxc-attach --clear-env -n NAME --`, `zlogin -S NAME`,
 * `jexec NAME`, `vzctl exec2 ID`, `srp_su NAME root -c`); `ssh`: the guest's
 * own sshd, host key checked against `knownHosts`; `qga`: the QEMU guest
 * agent of libvirt domain `domain`, through `virsh -c URI
 * qemu-agent-command` on the hypervisor (no network to the guest needed).
 */
export type GuestChannel =
  | { kind: 'native'; prefix: readonly string[] }
  | { kind: 'ssh'; host: string; port: number; user: string; knownHosts?: string }
  | { kind: 'qga'; uri: string; domain: string };

/** The host a remote-managed driver's tools run on (an HP-UX host, a SPARC control domain), reached over ssh. */
export interface ManagementHost {
  host: string;
  port?: number;
  user?: string;
}

/** Where a migration goes: the peer node and a way to run its tools. */
export interface MigrationDestination {
  node: string;
  exec: Exec;
}

/** A resource that runs a guest: the service's encapsulated level lives in it. */
export interface ContainerResource extends Resource {
  /** The guest's node name, as listed in `encapnodes`. */
  readonly guestName: string;
  guestChannel(): GuestChannel;
  start(ctx: ContainerContext): Promise<void>;
  stop(ctx: ContainerContext): Promise<void>;
  status(ctx: ContainerContext): Promise<ResourceStatus>;
  /**
   * Start guard: where the guest already runs if not here (a VM defined and
   * running on a peer, a zone attached elsewhere); a start is then refused.
   */
  runningElsewhere?(ctx: ContainerContext): Promise<string | undefined>;
  /** Checks, before anything moves, that the destination can take the guest. */
  precheckMigration?(ctx: ContainerContext, to: MigrationDestination): Promise<void>;
  /** Live migration; declared by `liveMigrate` in the manifest's capabilities. */
  migrate?(ctx: ContainerContext, to: MigrationDestination): Promise<void>;
  /** Files config replication copies with the service file (the container's own config). */
  replicatedFiles?(): string[];
  /**
   * Remote-managed drivers: where the tools run. The engine then binds
   * `ctx.exec` (and a native guest channel) to that host over ssh.
   */
  managedFrom?(): ManagementHost | undefined;
}

export function isContainerResource(r: Resource): r is ContainerResource {
  return typeof (r as Partial<ContainerResource>).guestChannel === 'function' && typeof (r as Partial<ContainerResource>).guestName === 'string';
}

export interface DriverDefinition {
  $$type: typeof DRIVER_BRAND;
  apiVersion: number;
  /** Subset of the manifest's `provides` this module implements. */
  provides: string[];
  keywords: readonly KeywordSpec[];
  // A method, so that a driver's create taking its own typed section is assignable here.
  create(init: ResourceInit): Resource;
}

/**
 * What is wrong with a driver module's default export, checked after import:
 * a module that does not match is DriverBroken, not a crash later. Empty
 * when it is a driver definition.
 */
export function driverDefinitionProblems(v: unknown): string[] {
  if (typeof v !== 'object' || v === null) return ['default export: expected the object defineDriver returns'];
  const d = v as Record<string, unknown>;
  const out: string[] = [];
  if (d['$$type'] !== DRIVER_BRAND) out.push(`$$type: expected "${DRIVER_BRAND}" (made by defineDriver)`);
  if (!Number.isInteger(d['apiVersion'])) out.push('apiVersion: expected an integer');
  const provides = d['provides'];
  if (!Array.isArray(provides) || provides.length === 0 || !provides.every((p) => typeof p === 'string')) out.push('provides: expected a non-empty list of strings');
  const keywords = d['keywords'];
  if (!Array.isArray(keywords)) out.push('keywords: expected a list of keyword specs');
  else keywords.forEach((k, i) => out.push(...keywordSpecProblems(k).map((p) => `keywords.${i}.${p}`)));
  if (typeof d['create'] !== 'function') out.push('create: create must be a function');
  return out;
}

/** A driver module's default export; `create` receives its section typed from `keywords`. */
export function defineDriver<const K extends readonly KeywordSpec[]>(d: {
  provides: string[];
  keywords: K;
  create(init: ResourceInit<SectionConfig<K>>): Resource;
}): DriverDefinition {
  return { $$type: DRIVER_BRAND, apiVersion: API_VERSION, ...d } as DriverDefinition;
}
