// capsule's side of the differential: one service file evaluated and validated
// on one node, as `print config --eval` and `validate config` do.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Through the packages' own builds (packages/config/dist, the drivers' dist),
 * in this process: what the sources say once built, without rebuilding the
 * CLI bundle (apps/cli bundles @capsule/config).
 */
export async function apiEvaluator(repo) {
  const cli = join(repo, 'apps/cli');
  const require = createRequire(join(cli, 'package.json'));
  const load = (name) => import(pathToFileURL(require.resolve(name)).href);
  const config = await load('@capsule/config');
  const runtime = await load('@capsule/runtime');
  return async (root, svcname, nodename) => {
    const node = { root, nodename, appRoot: cli, env: {} };
    const ctx = { nodename, svcname, root, cluster: await config.readClusterInfo(root), bindir: join(repo, 'bin') };
    const doc = await config.loadConfig(join(root, 'etc/capsule', `${svcname}.conf`));
    const cfg = await config.evaluateConfig(doc, runtime.keywordRegistry(node), ctx);
    // A structured value as `get --eval` prints it (String), as the CLI's JSON would not say.
    for (const s of cfg.sections) for (const [k, v] of Object.entries(s.values)) if (v && typeof v === 'object' && !Array.isArray(v)) s.values[k] = String(v);
    const evaluated = JSON.parse(JSON.stringify(cfg));
    const issues = await config.validateConfig(doc, runtime.keywordRegistry(node), ctx);
    return { evaluated, issues };
  };
}

/** Through the CLI users run (`svcmgr print config --eval`, `validate config`): the bundle as last built. */
export function cliEvaluator(svcmgr) {
  const run = (root, nodename, args) =>
    spawnSync(process.execPath, [svcmgr, ...args], { encoding: 'utf8', env: { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: nodename } });
  return async (root, svcname, nodename) => {
    const ev = run(root, nodename, ['-s', svcname, 'print', 'config', '--eval', '--format', 'json']);
    const va = run(root, nodename, ['-s', svcname, 'validate', 'config', '--format', 'json']);
    try {
      return { evaluated: JSON.parse(ev.stdout), issues: JSON.parse(va.stdout).issues };
    } catch {
      throw new Error(`capsule could not read ${svcname}:\n${ev.stderr}${va.stderr}`);
    }
  };
}
