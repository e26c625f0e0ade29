// The client: one long-lived Node process in the client's namespace that
// connects to the service every 100 ms (300 ms timeout) and prints one line
// per probe, read here. Spawning curl ten times a second would itself load
// the 2-core machine the cluster's timing depends on.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TestHost } from '@capsule/testenv';

/** One probe: when it began and ended (ms since the epoch), and which node answered or why none did. */
export interface Probe {
  start: number;
  end: number;
  node?: string;
  error?: string;
}

export const PROBE_EVERY_MS = 100;
export const PROBE_TIMEOUT_MS = 300;

// Each line: START END ok NODE | START END fail REASON. It ends when its stdin closes, so it never outlives the nemesis.
const SCRIPT = `
const net = require('net');
const [host, port, every, timeout] = process.argv.slice(1);
function probe() {
  const start = Date.now();
  let data = '', done = false;
  const s = net.connect({ host, port: +port });
  const finish = (r) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    s.destroy();
    process.stdout.write(start + ' ' + Date.now() + ' ' + r + '\\n');
    setTimeout(probe, Math.max(0, start + +every - Date.now()));
  };
  const timer = setTimeout(() => finish('fail timeout'), +timeout);
  s.setEncoding('utf8');
  s.on('data', (d) => (data += d));
  s.on('end', () => finish(data ? 'ok ' + data : 'fail empty'));
  s.on('error', (e) => finish('fail ' + (e.code || e.message)));
}
process.stdin.on('end', () => process.exit(0)).resume();
probe();
`;

export function parseProbe(line: string): Probe | undefined {
  const m = /^(\d+) (\d+) (ok|fail) (\S+)$/.exec(line.trim());
  if (!m) return undefined;
  const [, start, end, verdict, what] = m;
  return { start: Number(start), end: Number(end), ...(verdict === 'ok' ? { node: what! } : { error: what! }) };
}

export class ClientProber {
  readonly probes: Probe[] = [];
  private readonly waiters = new Set<() => void>();
  private constructor(private readonly child: ChildProcess) {}

  static start(client: TestHost, addr: string, port: number): ClientProber {
    const child = spawn('ip', ['netns', 'exec', client.ns, process.execPath, '-e', SCRIPT, addr, String(port), String(PROBE_EVERY_MS), String(PROBE_TIMEOUT_MS)], { stdio: ['pipe', 'pipe', 'ignore'] });
    const p = new ClientProber(child);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const probe = parseProbe(line);
      if (!probe) return;
      p.probes.push(probe);
      for (const w of p.waiters) w();
    });
    return p;
  }

  /** The last probe, if any. */
  get last(): Probe | undefined {
    return this.probes.at(-1);
  }

  /**
   * Resolves with an answer (a node's name) from a probe begun at or after
   * `since`, or undefined after `timeoutMs`; an event, not a poll.
   */
  answerSince(since: number, timeoutMs: number, signal?: AbortSignal): Promise<Probe | undefined> {
    const found = () => this.probes.findLast((p) => p.start >= since && p.node);
    return new Promise((resolve) => {
      const done = (v: Probe | undefined) => {
        this.waiters.delete(check);
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
        resolve(v);
      };
      const check = () => {
        const p = found();
        if (p) done(p);
      };
      const abort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      signal?.addEventListener('abort', abort);
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.end();
    // It exits as soon as it reads the end of its input; a wedged one is killed.
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(kill);
  }
}
