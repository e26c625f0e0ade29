// Opens a service by name: reads and evaluates its file on this node, then
// binds its resources to their drivers.
import { blockingIssues, driverSettings, evaluateConfig, issuesError, loadConfig, readClusterInfo, readNodeConfig, servicePaths, validateConfig, type KeywordRegistry, type NodeConfig } from '@capsule/config';
import { buildService, type DriverSource } from './build.js';
import type { Service } from './model.js';
import { checkPlacement } from './placement.js';

export interface OpenOptions {
  root: string;
  nodename: string;
  svcname: string;
  registry: KeywordRegistry;
  drivers: DriverSource;
  /** Opening to run this action: refused on a node that is not the service's, unless forced. */
  action?: { name: string; force: boolean };
  /** node.conf, when the caller has read it already. */
  nodeConf?: NodeConfig;
}

export async function openService(o: OpenOptions): Promise<Service> {
  const paths = servicePaths(o.root, o.svcname);
  const [doc, cluster, nodeConf] = await Promise.all([loadConfig(paths.config), readClusterInfo(o.root), o.nodeConf ?? readNodeConfig(o.root)]);
  const ctx = { nodename: o.nodename, svcname: o.svcname, root: o.root, cluster };
  // Actions never run on a file that does not validate: the error lists every problem. A keyword
  // that cannot be evaluated fails only the resources that need it (see bindDrivers).
  const invalid = issuesError(blockingIssues(await validateConfig(doc, o.registry, ctx)), `fix the lines named above, then check the file with \`svcmgr -s ${o.svcname} validate config\``);
  if (invalid) throw invalid;
  const cfg = await evaluateConfig(doc, o.registry, ctx);
  if (o.action) checkPlacement(cfg, o.action.name, o.action.force);
  return buildService(cfg, o.drivers, { root: o.root, varDir: paths.varDir, configFile: paths.config, settings: (type) => driverSettings(nodeConf, type, o.root) });
}
