// Runs a command in a libvirt guest through its QEMU guest agent:
// `guest-exec` by `virsh qemu-agent-command` on the hypervisor, then
// `guest-exec-status` polled until the command exits. The agent keeps the
// output and hands it over at exit, so the output cap is checked then, not
// while the command runs.
import { CapsuleError, isCapsuleError, type Exec, type ExecOptions, type ExecResult } from '@capsule/core';
import { DEFAULT_MAX_OUTPUT_BYTES } from '../local.js';
import { qgaError, qgaGarbled, type QgaTarget } from './errors.js';
import { answerOf, decodeStatus, execRequest, pidOf, QGA_MAX_OUTPUT_BYTES, statusRequest, type QgaCommand } from './protocol.js';

/** Quick commands answer on the first polls; long ones are not polled harder than every POLL_MAX_MS. */
const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 200;
/** virsh's wait for the agent on one call (`--timeout`): a hung agent is not waited on forever. */
const AGENT_WAIT_S = 10;
const CALL_TIMEOUT_MS = (AGENT_WAIT_S + 5) * 1000;
/** The kill after a timeout or an abort is best effort, and holds the caller this long at most. */
const KILL_BUDGET_MS = 2000;
/** The request is one argument of virsh, and Linux refuses a single argument of 128 KiB or more (MAX_ARG_STRLEN). */
const MAX_REQUEST_BYTES = 128 * 1024 - 1;

export type { QgaTarget } from './errors.js';

/** An Exec into the guest of domain `t.domain`; `host` runs virsh on the hypervisor. */
export function qgaExec(t: QgaTarget, host: Exec): Exec {
  return (argv, o = {}) => run(t, host, argv, o, true);
}

type Stop = 'timeout' | 'abort';

async function run(t: QgaTarget, host: Exec, argv: readonly string[], o: ExecOptions, killOnStop: boolean): Promise<ExecResult> {
  if (o.signal?.aborted) throw stopped('abort', t, argv, o, false);
  const cap = o.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const request = execRequest(argv, o);
  if (Buffer.byteLength(JSON.stringify(request)) > MAX_REQUEST_BYTES) throw tooBig(t, argv);
  // The caller's signal is not handed to virsh: `host` is already bound to the action's signal, and one passed here would replace it.
  const stop = new AbortController();
  const timer = o.timeoutMs ? setTimeout(() => stop.abort('timeout' satisfies Stop), o.timeoutMs) : undefined;
  const onAbort = () => stop.abort('abort' satisfies Stop);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const call = (cmd: QgaCommand, hostOptions: ExecOptions = {}) => agentCall(t, host, cmd, argv, hostOptions);
  const started = call(request).then(([answer, r]) => pidOf(answer) ?? Promise.reject(qgaGarbled(r, t, 'guest-exec', argv)));
  try {
    const pid = await until(started, stop.signal);
    for (let wait = POLL_FIRST_MS; ; wait = Math.min(2 * wait, POLL_MAX_MS)) {
      const [answer, r] = await until(call(statusRequest(pid), { maxOutputBytes: hostCap(cap) }), stop.signal).catch((e: unknown) => {
        throw isCapsuleError(e) && e.code === 'OutputTooLarge' ? tooMuchOutput(t, argv, cap) : e;
      });
      const s = decodeStatus(answer);
      if (!s) throw qgaGarbled(r, t, 'guest-exec-status', argv);
      if (s.exited) {
        if (s.truncated || s.stdout.length + s.stderr.length > cap) throw tooMuchOutput(t, argv, cap);
        return { code: s.code, stdout: s.stdout.toString(), stderr: s.stderr.toString() };
      }
      await sleep(wait, stop.signal);
    }
  } catch (e) {
    if (!stop.signal.aborted || e !== stop.signal.reason) throw e;
    throw stopped(e as Stop, t, argv, o, killOnStop && (await kill(t, host, started)));
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** One agent command through virsh: its `return` and virsh's result, or the named error of its failure. */
async function agentCall(t: QgaTarget, host: Exec, cmd: QgaCommand, argv: readonly string[], o: ExecOptions): Promise<[unknown, ExecResult]> {
  const r = await host(['virsh', '-c', t.uri, 'qemu-agent-command', '--timeout', String(AGENT_WAIT_S), t.domain, JSON.stringify(cmd)], { timeoutMs: CALL_TIMEOUT_MS, ...o });
  if (r.code !== 0) throw qgaError(r, t, cmd.execute, argv);
  const answer = answerOf(r.stdout);
  if (answer === undefined) throw qgaGarbled(r, t, cmd.execute, argv);
  return [answer, r];
}

/**
 * `kill -9` of the command, through the agent: only its own process, since
 * qemu-ga gives it no process group of its own (the group it is in is the
 * agent's). Then its status is read once, which is what frees its record
 * in the agent. True when the kill ran.
 */
async function kill(t: QgaTarget, host: Exec, started: Promise<number>): Promise<boolean> {
  const budget = AbortSignal.timeout(KILL_BUDGET_MS);
  try {
    const pid = await until(started, budget);
    const k = await run(t, host, ['kill', '-9', String(pid)], { timeoutMs: KILL_BUDGET_MS }, false);
    await until(agentCall(t, host, statusRequest(pid), [], {}), budget).catch(() => undefined);
    return k.code === 0;
  } catch {
    return false;
  }
}

/** `p`, or the signal's reason once it is aborted (p then runs on, bounded by its own timeout). */
function until<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as unknown);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as unknown);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return until(new Promise<void>((r) => setTimeout(r, ms)), signal);
}

/** What virsh may print for a status answer: both streams at the cap (or at the agent's own cap), in base64, with room for the JSON. */
function hostCap(cap: number): number {
  return 2 * 4 * Math.ceil(Math.min(cap, QGA_MAX_OUTPUT_BYTES) / 3 + 1) + 64 * 1024;
}

function stopped(why: Stop, t: QgaTarget, argv: readonly string[], o: ExecOptions, killed: boolean): CapsuleError {
  const what = `${argv.join(' ')} in ${t.domain}`;
  const fate = killed ? 'was killed' : 'may still run in the guest (the kill through its agent did not go through)';
  const details = { domain: t.domain, argv, killed };
  return why === 'timeout'
    ? new CapsuleError('ExecTimeout', `${what} did not finish within ${o.timeoutMs} ms and ${fate}`, { hint: 'check why the command hangs, or raise the timeout', details })
    : new CapsuleError('ExecAborted', `${what} was cancelled and ${fate}`, { hint: 'the action or check it belonged to timed out or was cancelled', details });
}

function tooMuchOutput(t: QgaTarget, argv: readonly string[], cap: number): CapsuleError {
  return new CapsuleError('OutputTooLarge', `${argv.join(' ')} in ${t.domain} wrote more than ${cap} bytes`, {
    hint: 'the command floods its output: check it, or raise the output cap',
    details: { domain: t.domain, argv, maxOutputBytes: cap },
  });
}

function tooBig(t: QgaTarget, argv: readonly string[]): CapsuleError {
  return new CapsuleError('GuestActionFailed', `${argv[0]} in ${t.domain}: its arguments, environment and stdin are over the ${MAX_REQUEST_BYTES} bytes one guest agent request carries`, {
    hint: 'the QEMU guest agent channel carries about 90 KiB of stdin: use the ssh channel (qga = false) for larger input',
    details: { domain: t.domain, argv },
  });
}
