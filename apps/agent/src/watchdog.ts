// The watchdog: a small process apart from the agent (`capsule-agent
// --watchdog`, started by the agent when `[cluster] quorum = true`). The
// agent renews it after every decision round with the end of its quorum
// lease (membership.ts, quorumLease) and the ha services it holds here; if
// the lease ends unrenewed (the agent killed, paused, starved, or cut off
// and unable to fence) the watchdog stops those services itself. Takeovers
// elsewhere wait long enough for this stop to end (the start rule in
// docs/architecture.md), so a paused agent cannot wake beside a new holder.
// Both processes read CLOCK_MONOTONIC (monotonicMs), the same on the host.
import { monotonicMs } from '@capsule/cluster';
import { localExec } from '@capsule/transport';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';

/** What the agent tells the watchdog: stop `services` at `until` (monotonic ms) unless told again before. */
export interface Lease {
  until: number;
  services: string[];
}

/** The services to stop now: those leased, once the lease has ended. */
export function expired(lease: Lease | undefined, now: number): string[] {
  return lease && lease.services.length > 0 && now >= lease.until ? lease.services : [];
}

export interface WatchdogOptions {
  socket: string;
  svcmgr: readonly string[];
  env: Record<string, string>;
  /** A stop that takes longer is killed (the fence bound the takeover delay counts on). */
  stopTimeoutMs: number;
  log(line: string): void;
}

/**
 * Serves until nothing is leased and no agent is connected: an agent that
 * stops while holding nothing leaves no watchdog behind, one that dies
 * while holding services leaves it to stop them.
 */
export async function runWatchdog(o: WatchdogOptions): Promise<void> {
  let lease: Lease | undefined;
  const agents = new Set<Socket>();
  let firing = false;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const server = createServer((sock) => {
    agents.add(sock);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > 1 << 20) return void sock.destroy();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const m = JSON.parse(line) as Partial<Lease>;
          if (typeof m.until === 'number' && Array.isArray(m.services) && m.services.every((s) => typeof s === 'string')) lease = { until: m.until, services: m.services };
        } catch {
          // A line that is not a lease changes nothing.
        }
      }
    });
    sock.on('close', () => agents.delete(sock));
    sock.on('error', () => undefined);
  });
  await listenOnce(server, o.socket);
  o.log(`watchdog listening on ${o.socket}`);
  const timer = setInterval(() => {
    const now = monotonicMs();
    const due = expired(lease, now);
    if (due.length && !firing) {
      firing = true;
      o.log(`lease ended ${Math.round(now - lease!.until)} ms ago without renewal: stopping ${due.join(', ')}`);
      lease = undefined;
      void Promise.all(
        due.map(async (svc) => {
          try {
            const r = await localExec([...o.svcmgr, '-s', svc, 'stop', '--local'], { env: { ...o.env, CAPSULE_AGENT_SILENT: '1' }, timeoutMs: o.stopTimeoutMs });
            o.log(`stop ${svc}: ${r.code === 0 ? 'done' : `failed (exit ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}`}`);
          } catch (e) {
            // Past the fence bound, a takeover may start: what is still up here needs node fencing (stonith).
            o.log(`stop ${svc}: ${(e as Error).message}`);
          }
        }),
      ).finally(() => (firing = false));
    }
    if (!firing && (!lease || lease.services.length === 0) && agents.size === 0) {
      clearInterval(timer);
      server.close(() => done());
    }
  }, 100);
  await finished;
  await rm(o.socket, { force: true });
  o.log('watchdog stopped: nothing to guard');
}

/** Listens on a Unix socket; one that answers already belongs to a running watchdog, one that does not is stale. */
async function listenOnce(server: Server, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  if (await answers(path)) throw new Error(`a watchdog already listens on ${path}`);
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * The agent's side: a connection to the watchdog, started when none
 * answers. A renewal that cannot be delivered is retried at the next
 * round; meanwhile the last delivered lease runs out, which is the point.
 */
export class WatchdogClient {
  private sock?: Socket;
  private connecting?: Promise<void>;

  constructor(
    private readonly o: { socket: string; command: readonly string[]; logFile: string; log(line: string): void },
  ) {}

  renew(lease: Lease): void {
    if (this.sock && !this.sock.destroyed) {
      this.sock.write(JSON.stringify(lease) + '\n');
      return;
    }
    this.connecting ??= this.connect()
      .catch((e: unknown) => this.o.log(`watchdog: ${(e as Error).message}`))
      .finally(() => (this.connecting = undefined));
  }

  close(): void {
    this.sock?.end();
  }

  private async connect(): Promise<void> {
    if (!(await answers(this.o.socket))) {
      await mkdir(dirname(this.o.logFile), { recursive: true });
      const out = openSync(this.o.logFile, 'a');
      const child = spawn(this.o.command[0]!, this.o.command.slice(1), { detached: true, stdio: ['ignore', out, out] });
      child.unref();
      this.o.log(`watchdog started (pid ${child.pid})`);
      const end = monotonicMs() + 5000;
      while (!(await answers(this.o.socket))) {
        if (monotonicMs() > end) throw new Error(`the watchdog did not listen on ${this.o.socket} within 5 s (see ${this.o.logFile})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await new Promise<void>((resolve, reject) => {
      const s = connect(this.o.socket);
      s.once('connect', () => {
        this.sock = s;
        resolve();
      });
      s.once('error', reject);
      s.on('close', () => {
        if (this.sock === s) this.sock = undefined;
      });
    });
  }
}
