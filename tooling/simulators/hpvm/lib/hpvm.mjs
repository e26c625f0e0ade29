// What the four HPVM tools share: the guest lookup, the messages of hpvm(5)
// commands, and the -M line of hpvmstatus.
import { denied, fail, logCall, readGuest, stateDir } from '../../remote-kit/lib/state.mjs';

export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** Starts a tool: state directory, call logged, superuser check. */
export function begin(tool, argv) {
  const dir = stateDir();
  logCall(dir, tool, argv);
  if (denied(dir, argv[argv.indexOf('-P') + 1])) fail(EXIT_ERROR, `${tool}: You must be superuser to run this command.`);
  return dir;
}

export function usage(tool, synopsis) {
  fail(EXIT_USAGE, `${tool}: Invalid option or missing argument.\nusage: ${tool} ${synopsis}`);
}

export function unknownGuest(tool, name) {
  fail(EXIT_ERROR, `${tool}: Unable to find guest '${name}'.`);
}

export function busyMessage(tool, name) {
  return `${tool}: Unable to obtain the lock of guest '${name}': another command is in progress on it.`;
}

/** A guest or the tool's "unable to find" failure. */
export function guestOrFail(dir, tool, name) {
  const g = readGuest(dir, name);
  if (!g) unknownGuest(tool, name);
  return g;
}

/**
 * One guest in `hpvmstatus -M` form: colon-separated major fields,
 * semicolon-separated subfields. Field 10 is the run state (On/Off),
 * 11 the boot attribute (Auto/Manual), 19 the vCPUs and 20 the memory,
 * the positions OpenSVC's driver reads.
 */
export function machineLine(name, g) {
  const f = new Array(24).fill('');
  f[0] = name;
  f[1] = String(g.number ?? 1);
  f[2] = g.os ?? 'HPUX';
  f[3] = g.uuid ?? '';
  f[5] = g.version ?? 'B.06.10';
  f[9] = String(g.graceful_timeout ?? 30);
  f[10] = g.state;
  f[11] = g.boot ?? 'Manual';
  f[12] = g.runnable === false ? 'not_runnable' : 'runnable';
  f[19] = `${g.vcpus ?? 1};;;`;
  f[20] = `${g.memory ?? '2GB'};;`;
  return f.join(':');
}
