// Remote-managed drivers (hpvm, ldom, srp): their tools run on a management
// host (an HP-UX VM Host, a SPARC control domain) that the engine reaches
// over ssh. Where that host is, and where its tools are, is said the same way
// for each: a keyword of the section, else `[driver.TYPE]` of node.conf.
import { kw, type DriverSettings, type ManagementHost } from '@capsule/core';

/** The section's keywords naming the management host; node.conf's `host`, `port`, `user` apply when unset. */
export const managementKeywords = [
  kw.string('mgmt_host', { doc: "the host the technology's tools run on, reached over ssh (default: [driver.TYPE] host in node.conf; neither: this node)" }),
  kw.int('mgmt_port', { doc: "the management host's ssh port (default: [driver.TYPE] port, else 22)" }),
  kw.string('mgmt_user', { doc: 'the user capsule logs in as on the management host (default: [driver.TYPE] user, else root)' }),
] as const;

interface ManagementConfig {
  mgmt_host?: string;
  mgmt_port?: number;
  mgmt_user?: string;
}

/** The management host, or undefined when the tools run on this node. */
export function managementHost(cfg: ManagementConfig, settings: Pick<DriverSettings, 'values'>): ManagementHost | undefined {
  const s = settings.values;
  const host = cfg.mgmt_host ?? s['host'];
  if (!host) return undefined;
  const port = cfg.mgmt_port ?? (s['port'] ? Number(s['port']) : undefined);
  const user = cfg.mgmt_user ?? s['user'];
  return { host, ...(port ? { port } : {}), ...(user ? { user } : {}) };
}

/** A tool by PATH, or in `[driver.TYPE] bin_dir` (`/opt/hpvm/bin`) when set: PATH over ssh is often short. */
export function toolPath(settings: Pick<DriverSettings, 'values'>, name: string): string {
  const dir = settings.values['bin_dir'];
  return dir ? `${dir.replace(/\/+$/, '')}/${name}` : name;
}
