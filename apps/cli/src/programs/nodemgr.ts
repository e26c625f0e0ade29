// nodemgr: acts on this node (drivers, node config).
import type { CommandModule, OptionSpec, ProgramSpec } from '../spec.js';
import { format, version } from './options.js';
// Type-only: erased at build, the command module still loads lazily below.
import type * as nodeConfigModule from '../commands/node-config.js';

const nodeConf = (name: keyof typeof nodeConfigModule) => async (): Promise<CommandModule> => ({ run: (await import('../commands/node-config.js'))[name] });
/** Without it an edit that would have the running daemon self-fence is refused (commands/quorum-guard.ts). */
const force: OptionSpec = { name: 'force', type: 'boolean', help: 'write it even if the running cluster would lose quorum and stop its ha services (self-fence)' };
const param: OptionSpec = { name: 'param', type: 'string', arg: 'KEY', help: 'SECTION.KEYWORD[@NODE] of node.conf: cluster.nodes, hb#1.timeout, hb#1.addr@hv1, driver.kvm.uri' };

export const nodemgr: ProgramSpec = {
  name: 'nodemgr',
  summary: 'manage this capsule node',
  options: [format, version],
  commands: [
    {
      words: ['drivers'],
      summary: 'list installed driver plugins: version, what they provide, platforms, usable or why not (as driver list)',
      load: () => import('../commands/drivers.js'),
    },
    {
      words: ['driver'],
      args: 'list|add|remove|relink',
      summary: "this node's driver packages: driver list (the default), driver add, driver remove, driver relink",
      load: async () => ({ run: (await import('../commands/drivers.js')).bare }),
    },
    {
      words: ['driver', 'list'],
      summary: 'list installed driver plugins: where (driver directory or app), version, what they provide, platforms, usable or why not',
      load: () => import('../commands/drivers.js'),
    },
    {
      words: ['driver', 'add'],
      args: 'NAME[@VERSION]|FILE.tgz',
      audited: true,
      summary: 'install a driver package into $CAPSULE_ROOT/usr/lib/capsule/drivers, from a tarball or the npm registry (CAPSULE_NPM_REGISTRY), after checking its manifest, platform, peers and integrity',
      options: [{ name: 'force', type: 'boolean', help: 'install it even if it takes over a type another installed driver provides' }],
      load: () => import('../commands/driver-add.js'),
    },
    {
      words: ['driver', 'remove'],
      args: 'NAME',
      audited: true,
      summary: 'remove a driver package from the driver directory; refused while a service of this node needs a type only it provides',
      options: [{ name: 'force', type: 'boolean', help: 'remove it even if services of this node use a type only it provides (they then fail with DriverNotInstalled)' }],
      load: () => import('../commands/driver-remove.js'),
    },
    {
      words: ['driver', 'relink'],
      audited: true,
      summary: "re-point the driver directory's @capsule/* links at this capsule's own copies (an upgrade removes the version they named); add, remove and the agent at start do it too",
      load: () => import('../commands/driver-relink.js'),
    },
    {
      words: ['daemon'],
      args: 'run|start|stop|status',
      summary: 'the agent daemon: heartbeats, membership, failover (run = in the foreground, for systemd)',
      load: () => import('../commands/daemon.js'),
    },
    {
      words: ['logs'],
      summary: "the node's audit log: every command that changed a service or the node, who ran it and from where",
      options: [
        { name: 'since', type: 'string', arg: 'WHEN', help: 'lines from then on: 90s, 10m, 2h, 1d back, or a date' },
        { name: 'follow', type: 'boolean', help: 'then print lines as they are appended, until Ctrl-C' },
      ],
      load: async () => ({ run: (await import('../commands/logs.js')).auditLog }),
    },
    {
      words: ['completion'],
      args: 'bash|zsh',
      summary: 'the shell completion of svcmgr, nodemgr and svcmon: source <(nodemgr completion bash)',
      load: () => import('../commands/completion.js'),
    },
    {
      words: ['man'],
      args: 'svcmgr|nodemgr|svcmon|capsule.conf',
      summary: 'a man page in roff, generated from the command tables and the installed drivers\' keywords: nodemgr man svcmgr | man -l -',
      load: () => import('../commands/man.js'),
    },
    {
      words: ['events'],
      summary: "the agent's events as they happen (status changes, nodes, quorum, decisions, actions, config), until Ctrl-C; --format json: one JSON object a line",
      load: () => import('../commands/events.js'),
    },
    { words: ['freeze'], audited: true, summary: 'the daemon starts and stops nothing here, and peers place nothing here (maintenance)', load: async () => ({ run: (await import('../commands/node-freeze.js')).command(true) }) },
    { words: ['thaw'], audited: true, summary: 'undo freeze', load: async () => ({ run: (await import('../commands/node-freeze.js')).command(false) }) },
    { words: ['get'], summary: 'print the value of one node.conf keyword (a secret is never printed)', options: [param], load: nodeConf('get') },
    { words: ['set'], audited: true, summary: 'set one node.conf keyword, atomically, if the result validates', options: [param, { name: 'value', type: 'string', arg: 'V', help: 'the new value' }, force], load: nodeConf('set') },
    {
      words: ['unset'], audited: true,
      summary: 'remove one node.conf keyword, or a whole section, atomically, if the result validates',
      options: [param, { name: 'section', type: 'string', arg: 'SECTION', help: 'remove this whole section instead of one keyword: hb#2, driver.kvm' }, force],
      load: nodeConf('unset'),
    },
    { words: ['print', 'config'], summary: 'print node.conf as it is, secrets hidden (--format json: as the node reads it)', load: nodeConf('print') },
    { words: ['validate', 'config'], summary: 'check node.conf: sections, keywords, values, and the cluster rules when it has a [cluster]', load: nodeConf('validate') },
    {
      words: ['arbitrator'],
      args: 'run',
      summary: "the cluster's tie-breaker, on a host every node reaches: listens on [arbitrator#1] address",
      load: () => import('../commands/arbitrator.js'),
    },
  ],
};
