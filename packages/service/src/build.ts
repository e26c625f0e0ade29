// Binds a service spec to drivers: one resource per section, made by its
// driver, loading only the drivers this service uses, in parallel; a disk's
// reservation (scsireserv = true) once its disk is bound. At the
// hypervisor, encap resources are recorded but not built (the guest's agent
// drives them) unless their container is agentless.
import type { EvaluatedConfig } from '@capsule/config';
import type { CapsuleError, DriverCapabilities, DriverDefinition, DriverSettings, Resource } from '@capsule/core';
import { diskReservation } from './disk-reservation.js';
import { disposeService } from './dispose.js';
import type { Service, ServiceResource } from './model.js';
import { brokenSections, specOf, type ServiceSpec } from './spec.js';

/** A driver's code and what its manifest declares. */
export interface LoadedDriver {
  definition: DriverDefinition;
  capabilities: DriverCapabilities;
}

export interface DriverSource {
  load(group: string, type?: string): Promise<LoadedDriver>;
}

export interface BuildOptions {
  root: string;
  varDir: string;
  configFile: string;
  /** A driver's node-level settings (`[driver.TYPE]` of node.conf); none by default. */
  settings?: (type: string) => DriverSettings;
}

const NO_SETTINGS: DriverSettings = {
  values: {},
  secret: (k) => Promise.reject(new Error(`no node-level settings: ${k} is not set`)),
};

/** A resource whose keywords cannot be evaluated: whatever touches it fails with the keyword's error. */
function brokenResource(rid: string, error: CapsuleError): Resource {
  const fail = () => Promise.reject(error);
  return { rid, label: () => '', start: fail, stop: fail, status: fail };
}

export async function bindDrivers(spec: ServiceSpec, drivers: DriverSource, o: BuildOptions, broken = new Map<string, CapsuleError>()): Promise<Service> {
  // Subsets order every resource, so a broken subset keyword stops the whole service.
  const subsetError = [...broken].find(([name]) => name.startsWith('subset#'))?.[1];
  if (subsetError) throw subsetError;
  // Every resource gets the [env] values: a broken one fails them all, but only them.
  const envError = broken.get('env');
  const resources: ServiceResource[] = spec.resources.map((r) => ({ ...r }));
  const byRid = new Map(resources.map((r) => [r.rid, r]));
  const bind = async (r: ServiceResource): Promise<void> => {
    // A reservation fails with its disk's keywords: it cannot know the devices otherwise.
    const error = broken.get(r.rid) ?? (r.reserves ? broken.get(r.reserves) : undefined) ?? envError;
    if (error) {
      r.resource = brokenResource(r.rid, error);
      return;
    }
    const { definition, capabilities } = await drivers.load(r.group, r.type);
    r.capabilities = capabilities;
    const create = (config: Record<string, unknown>) =>
      definition.create({
        rid: r.rid,
        svcname: spec.svcname,
        nodename: spec.nodename,
        config,
        env: spec.env,
        root: o.root,
        service: { nodes: spec.nodes, drpnodes: spec.drpnodes, encapnodes: spec.encapnodes },
        settings: o.settings?.(r.type ?? r.group) ?? NO_SETTINGS,
      });
    const disk = r.reserves ? byRid.get(r.reserves)?.resource : undefined;
    r.resource = disk ? diskReservation(r.rid, disk, (devs) => create({ ...r.config, devs })) : create(r.config);
  };
  // A driver that fails to load fails the build; what the others created is closed first.
  const bindAll = async (rs: ServiceResource[]): Promise<void> => {
    const failed = (await Promise.allSettled(rs.map(bind))).find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (!failed) return;
    await disposeService({ resources });
    throw failed.reason;
  };
  // Reservations are bound after the disks whose devices they ask for.
  const bindInTurn = async (rs: ServiceResource[]): Promise<void> => {
    await bindAll(rs.filter((r) => !r.reserves));
    await bindAll(rs.filter((r) => r.reserves));
  };
  await bindInTurn(resources.filter((r) => !r.disable && !(spec.level === 'hypervisor' && r.encap)));
  // An agentless guest runs no agent: its encap resources are built here and run through its channel.
  if (spec.level === 'hypervisor' && resources.some((r) => r.group === 'container' && r.capabilities?.agentless)) {
    await bindInTurn(resources.filter((r) => r.encap && !r.disable));
  }
  return { ...spec, resources, root: o.root, varDir: o.varDir, configFile: o.configFile };
}

export async function buildService(cfg: EvaluatedConfig, drivers: DriverSource, o: BuildOptions): Promise<Service> {
  return bindDrivers(specOf(cfg), drivers, o, brokenSections(cfg));
}
