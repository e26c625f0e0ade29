// Builds a Service from an evaluated config: one resource per section, made
// by its driver, loading only the drivers this service uses, in parallel.
// Encap filtering: inside a container (a node of encapnodes) only encap
// resources are built; at the hypervisor they are recorded but not built.
import type { EvaluatedConfig, EvaluatedSection } from '@capsule/config';
import type { CapsuleError, DriverDefinition, Resource } from '@capsule/core';
import type { Level, Service, ServiceResource } from './model.js';

export interface DriverSource {
  load(group: string, type?: string): Promise<DriverDefinition>;
}

export interface BuildOptions {
  root: string;
  varDir: string;
  configFile: string;
}

const HOOK = /^(blocking_)?(pre|post)_/;

function describe(s: EvaluatedSection, level: Level): ServiceResource | undefined {
  if (s.kind.kind !== 'resource') return undefined;
  const v = s.values;
  const tags = (v['tags'] as string[] | undefined) ?? [];
  const encap = v['encap'] === true || tags.includes('encap');
  const hooks = Object.fromEntries(Object.entries(v).filter(([k, x]) => HOOK.test(k) && typeof x === 'string')) as Record<string, string>;
  const seq = (k: string) => (s.kind.kind === 'resource' && s.kind.group === 'app' && typeof v[k] === 'number' ? (v[k] as number) : undefined);
  const r: ServiceResource = {
    rid: s.name,
    group: s.kind.group,
    tags,
    disable: v['disable'] === true,
    optional: v['optional'] === true,
    monitor: v['monitor'] === true,
    standby: v['standby'] === true,
    encap,
    hooks,
  };
  if (typeof v['type'] === 'string') r.type = v['type'];
  if (typeof v['subset'] === 'string') r.subset = v['subset'];
  const start = seq('start');
  const stop = seq('stop');
  if (start !== undefined) r.startSeq = start;
  if (stop !== undefined) r.stopSeq = stop;
  // Containers are never encap; an encap resource in a guest is simply a resource there.
  if (level === 'encap' && !encap) return undefined;
  return r;
}

/** A resource whose keywords cannot be evaluated: whatever touches it fails with the keyword's error. */
function brokenResource(rid: string, error: CapsuleError): Resource {
  const fail = () => Promise.reject(error);
  return { rid, label: () => '', start: fail, stop: fail, status: fail };
}

export function levelOf(cfg: EvaluatedConfig): Level {
  return cfg.sets.encapnodes.includes(cfg.nodename) ? 'encap' : 'hypervisor';
}

export async function buildService(cfg: EvaluatedConfig, drivers: DriverSource, o: BuildOptions): Promise<Service> {
  const level = levelOf(cfg);
  const resources = cfg.sections.map((s) => describe(s, level)).filter((r): r is ServiceResource => r !== undefined);
  const values = new Map(cfg.sections.map((s) => [s.name, s.values]));
  const broken = new Map(cfg.sections.map((s) => [s.name, Object.values(s.errors)[0]]));
  // Subsets order every resource, so a broken subset keyword stops the whole service.
  const subsetError = cfg.sections.find((s) => s.kind.kind === 'subset' && Object.values(s.errors).length);
  if (subsetError) throw Object.values(subsetError.errors)[0]!;
  // Every resource gets the [env] values: a broken one fails them all, but only them.
  const envError = cfg.sections.find((s) => s.kind.kind === 'env')?.errors;
  const firstEnvError = envError ? Object.values(envError)[0] : undefined;
  await Promise.all(
    resources.map(async (r) => {
      if (r.disable || (level === 'hypervisor' && r.encap)) return;
      const error = broken.get(r.rid) ?? firstEnvError;
      if (error) {
        r.resource = brokenResource(r.rid, error);
        return;
      }
      const def = await drivers.load(r.group, r.type);
      r.resource = def.create({
        rid: r.rid,
        svcname: cfg.svcname,
        nodename: cfg.nodename,
        config: values.get(r.rid) ?? {},
        env: cfg.env,
        root: o.root,
        service: { nodes: cfg.sets.nodes, drpnodes: cfg.sets.drpnodes, encapnodes: cfg.sets.encapnodes },
      });
    }),
  );
  const subsets: Service['subsets'] = {};
  for (const s of cfg.sections) {
    if (s.kind.kind === 'subset') subsets[`${s.kind.group}:${s.kind.name}`] = { parallel: s.values['parallel'] === true };
  }
  return {
    svcname: cfg.svcname,
    nodename: cfg.nodename,
    level,
    nodes: cfg.sets.nodes,
    encapnodes: cfg.sets.encapnodes,
    env: cfg.env,
    resources,
    subsets,
    varDir: o.varDir,
    configFile: o.configFile,
  };
}
