// svcmgr: acts on one service (-s SVC).
import { START_ORDER } from '@capsule/core/rid';
import type { CommandModule, CommandSpec, OptionSpec, ProgramSpec } from '../spec.js';
import { format, service, version } from './options.js';
// Type-only: erased at build, the command modules still load lazily below.
import type * as configModule from '../commands/config.js';
import type * as statusModule from '../commands/status.js';

type ConfigCommands = typeof configModule;
const config = (name: keyof ConfigCommands) => async (): Promise<CommandModule> => ({ run: (await import('../commands/config.js'))[name] });

const evalOpt: OptionSpec = { name: 'eval', type: 'boolean', help: 'show values as this node reads them: scoped, references resolved, typed' };
const impersonate: OptionSpec = { name: 'impersonate', type: 'string', arg: 'NODE', help: 'with --eval, read the file as NODE would (a guest, a peer)' };
const localEdit: OptionSpec = { name: 'local', type: 'boolean', help: 'write this node only, not acknowledged by the cluster (a node without quorum)' };
const param: OptionSpec = { name: 'param', type: 'string', arg: 'KEY', help: 'SECTION.KEYWORD[@SCOPE]; DEFAULT when no section (nodes, fs#1.mnt)' };

const configCommands: CommandSpec[] = [
  { words: ['validate', 'config'], summary: 'check the service file: syntax, keywords, types, scopes, references, drivers', needsService: true, load: config('validate') },
  {
    words: ['print', 'config'],
    summary: 'print the service file, or with --eval as this node reads it',
    needsService: true,
    options: [
      evalOpt,
      impersonate,
      { name: 'raw', type: 'boolean', help: 'the file byte for byte, as replication copies it' },
      { name: 'diff-guest', type: 'string', arg: 'GUEST', help: "the hypervisor-level keywords a guest's held copy changes" },
    ],
    load: config('print'),
  },
  { words: ['print', 'config', 'mtime'], summary: 'print the service file modification time (ms since the epoch)', needsService: true, load: config('mtime') },
  { words: ['print', 'config', 'version'], summary: 'print the config generation and content hash (what replication compares)', needsService: true, load: config('version') },
  { words: ['get'], summary: 'print the value of one keyword', needsService: true, options: [param, evalOpt, impersonate], load: config('get') },
  { words: ['set'], audited: true, summary: 'set one keyword, atomically, if the result validates; acknowledged once a majority of its nodes hold it', needsService: true, options: [param, { name: 'value', type: 'string', arg: 'V', help: 'the new value' }, localEdit], load: config('set') },
  { words: ['unset'], audited: true, summary: 'remove one keyword, atomically, if the result validates; acknowledged as set is', needsService: true, options: [param, localEdit], load: config('unset') },
  {
    words: ['sync'],
    // A copy received or accepted changes the file; a bare push or an acknowledgement mark does not.
    audited: (o) => o['receive'] !== undefined || o['accept'] !== undefined || o['dismiss'] === true || o['accept-from'] !== undefined,
    summary: "bring the service config up to date from the other nodes, then push it where it is older; --accept ID reinstates a kept copy; --accept-from GUEST installs a guest's copy held for review",
    needsService: true,
    options: [
      { name: 'accept-from', type: 'string', arg: 'GUEST', help: 'the guest whose held copy to install' },
      { name: 'accept', type: 'string', arg: 'ID', help: 'install this kept copy (a diverged edit another copy superseded; ids in print status) as the new config' },
      { name: 'dismiss', type: 'boolean', help: 'forget the kept copies of this service on this node' },
      { name: 'local', type: 'boolean', help: 'with --accept: write this node only, not acknowledged by the cluster' },
      { name: 'receive', type: 'string', arg: 'FILE', help: '(between agents) install a copy pushed by a peer (- for standard input)' },
      { name: 'from', type: 'string', arg: 'NODE', help: '(with --receive) the sender' },
      { name: 'record', type: 'string', arg: 'JSON', help: "(with --receive) the copy's version record" },
      { name: 'acked', type: 'string', arg: 'KEY', help: '(between agents, before ballots) record version KEY as acknowledged' },
      { name: 'prepare', type: 'string', arg: 'BALLOT', help: "(between agents) a config vote's first phase: promise BALLOT, answer this node's copy" },
      { name: 'ballot', type: 'string', arg: 'BALLOT', help: "(with --receive) a config vote's accept at BALLOT" },
      { name: 'mtime', type: 'number', arg: 'MS', help: "(with --receive) the sender's modification time" },
      { name: 'path', type: 'string', arg: 'REL', help: "(with --receive) a container's file, relative to CAPSULE_ROOT" },
      { name: 'also', type: 'string', arg: 'NODES', help: 'push to these nodes too (comma-separated): former nodes of the service still holding a copy, so that they drop it' },
    ],
    load: async () => ({
      run: async (ctx) => {
        if (ctx.options['accept-from'] !== undefined) return (await import('../commands/guest-config.js')).acceptFrom(ctx);
        const r = await import('../commands/replicate.js');
        return ctx.options['receive'] !== undefined ? r.receive(ctx) : r.push(ctx);
      },
    }),
  },
  {
    words: ['delete'], audited: true,
    summary: 'remove the service file and state here (refused while it runs, unless --force); --cluster: on every node of the service',
    needsService: true,
    options: [
      { name: 'force', type: 'boolean', help: 'delete even if resources still run (they are left running, unmanaged)' },
      { name: 'cluster', type: 'boolean', help: 'delete it on every node of the service, the peers first (over ssh)' },
    ],
    load: async () => ({ run: (await import('../commands/lifecycle.js')).del }),
  },
  {
    words: ['purge'], audited: true,
    summary: 'stop the service here, then delete it; --cluster: stopped everywhere (target), then purged on every node',
    needsService: true,
    options: [
      { name: 'force', type: 'boolean', help: 'delete even if a resource failed to stop' },
      { name: 'cluster', type: 'boolean', help: 'on every node of the service, the peers first (over ssh)' },
    ],
    load: async () => ({ run: (await import('../commands/lifecycle.js')).purge }),
  },
  { words: ['edit', 'config'], audited: true, summary: 'edit the service file with $EDITOR; installed only if it validates', needsService: true, options: [localEdit], load: config('edit') },
  {
    words: ['create'], audited: true,
    summary: 'install FILE as the service file, if it validates',
    needsService: true,
    options: [
      { name: 'config', type: 'string', arg: 'FILE', help: 'the service file to install (- for standard input)' },
      { name: 'generation', type: 'number', arg: 'N', help: 'install a copy pushed by another agent at its generation, only if newer' },
      { name: 'force', type: 'boolean', help: 'replace an existing service file (the old one is kept beside the state files)' },
      localEdit,
    ],
    load: config('create'),
  },
];

type StatusCommands = typeof statusModule;
const svc = (name: Exclude<keyof StatusCommands, 'currentStatus' | 'readTarget'>) => async (): Promise<CommandModule> => ({ run: (await import('../commands/status.js'))[name] });
const act = (name: string) => async (): Promise<CommandModule> => ({ run: (await import('../commands/service.js')).action(name) });

const actionOptions: OptionSpec[] = [
  { name: 'rid', type: 'list', arg: 'RIDS', help: 'only these resources (ip#1,fs#1)' },
  { name: 'tags', type: 'list', arg: 'TAGS', help: 'only resources with these tags: a,b is a or b; a+b is a and b' },
  { name: 'subsets', type: 'list', arg: 'SUBSETS', help: 'only resources of these subsets' },
  { name: 'dry-run', type: 'boolean', help: 'say what would run, change nothing' },
  { name: 'force', type: 'boolean', help: 'act even on a frozen service' },
  { name: 'disable-rollback', type: 'boolean', help: 'leave started resources up when a start fails' },
  { name: 'waitlock', type: 'number', arg: 'SECONDS', help: 'wait this long for another action on the service (default 60)' },
  { name: 'master', type: 'boolean', help: 'act at the hypervisor level only' },
  { name: 'slave', type: 'list', arg: 'NAMES', help: 'act in these containers only (name or rid)' },
  { name: 'slaves', type: 'boolean', help: 'act in every container only' },
  { name: 'local', type: 'boolean', help: 'act on this node only: the service\'s target (started or stopped, cluster-wide) stays as it is' },
  { name: 'from', type: 'string', arg: 'NODE', help: '(between agents, start) the node handing the service over in a switch: not counted as running it' },
];
export const logOptions: OptionSpec[] = [
  { name: 'since', type: 'string', arg: 'WHEN', help: 'lines from then on: 90s, 10m, 2h, 1d back, or a date (2026-12-07T03:00)' },
  { name: 'level', type: 'string', arg: 'LEVEL', help: 'info, warn or error: that level and above' },
  { name: 'follow', type: 'boolean', help: 'then print lines as they are appended, until Ctrl-C' },
];
const refreshOpt: OptionSpec = { name: 'refresh', type: 'boolean', help: 'recompute the status instead of reading the cache' };

const ACTION_SUMMARIES: Array<[string, string]> = [
  ['start', 'start the service: ip, disk, fs, share, container, app'],
  ['stop', 'stop the service, in reverse order; standby resources stay up'],
  ['restart', 'stop then start'],
  ['shutdown', 'stop everything, standby resources included'],
  ['startstandby', 'start the standby resources only'],
  ...START_ORDER.flatMap((g): Array<[string, string]> => [
    [`start${g}`, `start the ${g} resources only`],
    [`stop${g}`, `stop the ${g} resources only`],
  ]),
];

const serviceCommands: CommandSpec[] = [
  ...ACTION_SUMMARIES.map(([name, summary]): CommandSpec => ({ words: [name], summary, needsService: true, audited: true, options: actionOptions, load: act(name) })),
  ...(['switch', 'migrate'] as const).map(
    (name): CommandSpec => ({
      words: [name],
      audited: true,
      summary: name === 'switch' ? 'stop the service here and start it on NODE' : 'move the running containers live to NODE, then the rest of the service',
      needsService: true,
      options: [{ name: 'to', type: 'string', arg: 'NODE', help: 'the destination node' }, ...actionOptions],
      load: act(name),
    }),
  ),
  { words: ['takeover'], audited: true, summary: 'move the service here from the node running it (a failover service; asks the daemon where it runs)', needsService: true, load: async () => ({ run: (await import('../commands/takeover.js')).command('takeover') }) },
  { words: ['giveback'], audited: true, summary: 'move the service to its placement leader, the node the daemon would start it on', needsService: true, load: async () => ({ run: (await import('../commands/takeover.js')).command('giveback') }) },
  { words: ['clear'], audited: true, summary: 'forget start failures and monitor restarts here: this node is eligible again at once (needs the daemon)', needsService: true, load: async () => import('../commands/clear.js') },
  { words: ['freeze'], audited: true, summary: 'refuse actions without --force (maintenance)', needsService: true, load: act('freeze') },
  { words: ['thaw'], audited: true, summary: 'accept actions again', needsService: true, load: act('thaw') },
  { words: ['frozen'], summary: 'print whether the service is frozen', needsService: true, load: svc('frozen') },
  { words: ['print', 'status'], summary: 'the status tree of the service on this node', needsService: true, options: [refreshOpt], load: svc('printStatus') },
  { words: ['json', 'status'], summary: 'the status as versioned JSON (what a hypervisor reads from its guests)', needsService: true, options: [refreshOpt], load: svc('jsonStatus') },
  { words: ['status'], summary: 'exit with the overall status code (0 up, 1 down, 2 warn, 3 n/a...)', needsService: true, options: [refreshOpt], load: svc('status') },
  { words: ['logs'], summary: 'print the service log: every action, with who asked and why', needsService: true, options: logOptions, load: svc('logs') },
];

export const svcmgr: ProgramSpec = {
  name: 'svcmgr',
  summary: 'manage a capsule service on this node',
  options: [service, format, version],
  commands: [{ words: ['ls'], summary: 'list the services configured on this node', load: () => import('../commands/ls.js') }, ...configCommands, ...serviceCommands],
};
