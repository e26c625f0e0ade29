// Keywords of [app#N] sections: OpenSVC's (b2.1 app.forking and app.simple).
import { kw, ValueParser } from '@capsule/core';
import { parseActionValue, type ActionValue } from './command.js';
import { LIMITS, parseEnvironment, parseRetcodes, parseSize, type LimitName } from './launch.js';

const action = new ValueParser<ActionValue>(parseActionValue);
const size = new ValueParser<number>(parseSize);
const actionDoc = (verb: string, seq: string) =>
  `${seq}; or true (run \`<script> ${verb}\`), false (do nothing), or a command line to run instead (with shell operators, run by /bin/sh). Unset: \`<script> ${verb}\` when there is a script`;

const limits = (Object.keys(LIMITS) as LimitName[]).map((name) =>
  name === 'cpu' ? kw.duration('limit_cpu', { doc: 'CPU seconds the launched process may use (setrlimit RLIMIT_CPU)' }) : kw.parsed(`limit_${name}`, size, { doc: `setrlimit ${name} of the launched process (a size: 1024, 64k, 2g)` }),
);

export const keywords = [
  kw.choice('type', ['forking', 'simple'], { doc: 'forking: the start command returns once the app runs (its launcher daemonizes); simple: capsule runs the start command in the background and supervises its process', default: 'forking' }),
  // OpenSVC's default is parent: capsule's is tree, so that no child of the app is left running (and holding its data) when the service moves.
  kw.choice('kill', ['tree', 'parent'], { doc: 'type = simple, stopped without a stop command: tree signals the process group (the process and its children), parent the process alone, as OpenSVC\'s default', default: 'tree' }),
  kw.string('script', { doc: 'the launcher, called with start, stop, status or info; relative paths are under etc/capsule/<svc>.d/' }),
  kw.parsed('start', action, { doc: actionDoc('start', 'a start sequence number (apps start in ascending order)') }),
  kw.parsed('stop', action, { doc: actionDoc('stop', 'a stop sequence number (apps stop in ascending order)') }),
  kw.parsed('check', action, { doc: actionDoc('status', 'a status sequence number') }),
  kw.parsed('info', action, { doc: actionDoc('info', 'an info sequence number') }),
  kw.duration('timeout', { doc: 'seconds a start or stop may take before it is killed', default: 120 }),
  kw.duration('start_timeout', { doc: 'seconds a start may take (over timeout)' }),
  kw.duration('stop_timeout', { doc: 'seconds a stop may take (over timeout)' }),
  kw.duration('check_timeout', { doc: 'seconds a status check may take (over status_timeout)' }),
  kw.duration('info_timeout', { doc: 'seconds an info may take (over timeout)' }),
  kw.duration('status_timeout', { doc: 'seconds a status check may take', default: 10 }),
  kw.bool('status_log', { doc: "the check's stdout as the resource's info log, its stderr as warnings", default: false }),
  kw.string('retcodes', {
    doc: 'the check exit codes as statuses, CODE:STATUS words; an exit code not named is warn',
    default: '0:up 1:down',
    check: (v) => {
      const r = parseRetcodes(v);
      return typeof r === 'string' ? r : undefined;
    },
  }),
  kw.string('environment', {
    doc: 'VAR=value words (quoted as a shell would) added to the environment of every command; names are upper-cased',
    check: (v) => parseEnvironment(v).problems[0],
  }),
  kw.string('secrets_environment', { doc: 'OpenSVC secret objects as variables: not supported by capsule (no secret objects); refused at validation' , check: () => 'secret objects are an OpenSVC cluster feature capsule does not have: put the values in a root-only file the launcher reads' }),
  kw.string('configs_environment', { doc: 'OpenSVC config objects as variables: not supported by capsule; refused at validation', check: () => 'config objects are an OpenSVC cluster feature capsule does not have: use environment or [env]' }),
  kw.string('cwd', { doc: 'the working directory of every command' }),
  kw.string('user', { doc: 'run the commands as this user (runuser -u USER)' }),
  kw.string('group', { doc: 'run the commands with this primary group (runuser -g GROUP)' }),
  kw.string('umask', { doc: 'the umask of every command, octal', check: (v) => (/^[0-7]{1,4}$/.test(v.trim()) ? undefined : `expected an octal umask like 022, got "${v}"`) }),
  ...limits,
] as const;
