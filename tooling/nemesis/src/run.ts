// One nemesis run: a three-node test cluster with `quorum = true` and the
// failover service, every agent started; then, for the given duration,
// one fault at a time from the seeded schedule, each healed before the
// next, while a client probes the service, a sampler records who holds it
// and an operator edits its config; then everything healed, the cluster
// settled, the edits counted, and the report.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SVC_ADDR, SVC_PORT, TestCluster, writeWebService } from '@capsule/testenv';
import { analyze, type NemesisReport } from './analysis.js';
import { editLoop, lostEdits, serviceFiles, type Edit } from './edits.js';
import { NemesisAborted, NemesisSetupFailed } from './errors.js';
import { eventsBetween, saveLogs } from './evidence.js';
import { runFaults } from './fault-loop.js';
import { HoldTracker, sampleHolds } from './holds.js';
import { ClientProber } from './prober.js';
import { faultKinds, type Backend } from './schedule.js';
import { converged, settled } from './settle.js';
import { secs } from './time.js';

export const NODES = ['hv1', 'hv2', 'hv3'];

export interface NemesisOptions {
  durationMs: number;
  seed: number;
  arbitrator: boolean;
  /** `etcd`: the agents use a three-member etcd (each member a host of its own), and the faults hit it too. Default hb. */
  backend?: Backend;
  /** The heartbeat port (the arbitrator listens on the next one); 10500 by default. */
  port?: number;
  /** Where the nodes' logs are kept when the run finds something (default: a new directory in the temporary directory). */
  logs?: string;
  /** Progress, one line each: the seed, every fault, edit and double hold as it happens. */
  log(line: string): void;
  /** Aborting stops the run at once; the cluster is removed all the same. */
  signal?: AbortSignal;
}

/** The CLI's built nodemgr, which the test nodes run. */
function nodemgrPath(): string {
  const cli = dirname(createRequire(import.meta.url).resolve('@capsule/cli/package.json'));
  const entry = join(cli, 'dist/bin/nodemgr.js');
  if (!existsSync(entry)) throw new NemesisSetupFailed(`${entry} is missing: build first (pnpm build)`);
  return entry;
}

export async function runNemesis(o: NemesisOptions): Promise<NemesisReport> {
  // Ours, so that an error also stops the edit loop; the caller's abort passes through.
  const stop = new AbortController();
  const signal = stop.signal;
  if (o.signal?.aborted) stop.abort();
  o.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  let origin = Date.now();
  const say = (line: string) => o.log(`+${secs(Date.now() - origin).padStart(7)} ${line}`);
  const backend = o.backend ?? 'hb';
  o.log(`nemesis: seed ${o.seed}, ${secs(o.durationMs)} of faults, 3 nodes${o.arbitrator ? ' and an arbitrator' : ''}${backend === 'etcd' ? ' on a three-member etcd' : ''}`);
  const c = await TestCluster.create({ nodes: NODES, nodemgr: nodemgrPath(), port: o.port ?? 10500, fence: true, interval: '1s', timeout: '3s', arbitrator: o.arbitrator, ssh: true, ...(backend === 'etcd' ? { etcd: 3 } : {}) });
  let prober: ClientProber | undefined;
  let sampler: { stop(): Promise<void> } | undefined;
  try {
    await writeWebService(c);
    for (const n of NODES) c.startDaemon(n);
    prober = ClientProber.start(c.client, SVC_ADDR, SVC_PORT);
    const tracker = new HoldTracker();
    sampler = sampleHolds(c, tracker, (d) => say(`DOUBLE HOLD: ${d.nodes.join(' and ')} hold the service`));
    const first = await prober.answerSince(Date.now(), 120_000, signal);
    if (signal.aborted) throw new NemesisAborted();
    if (!first) throw new NemesisSetupFailed(`the service never answered at ${SVC_ADDR}:${SVC_PORT} within 120 s of the agents' start`);
    origin = Date.now();
    const deadline = origin + o.durationMs;
    say(`the service answers from ${first.node}: faults begin`);

    const down = new Set<string>();
    const editing = editLoop(c, {
      seed: o.seed,
      until: deadline,
      holder: () => tracker.holder,
      live: () => NODES.filter((n) => !down.has(n)),
      onEdit: (e: Edit) => say(`edit nemesis_${e.k} on ${e.node}${e.onHolder ? ' (holder)' : ''}: ${e.acknowledged ? 'acknowledged' : `failed: ${e.error}`}`),
      signal,
    });
    // Awaited below; on an abort nobody waits for it, and its rejection must not end the process.
    editing.catch(() => undefined);

    const kinds = faultKinds(backend);
    const faults = await runFaults(c, { seed: o.seed, kinds, deadline, tracker, prober, down, say, signal });
    const edits = await editing;

    say('faults over: waiting for every agent to be ready and in quorum, and the config copies to converge');
    const lagging = await settled(c, 90_000, signal);
    const serving = (await prober.answerSince(Date.now(), 60_000, signal))?.node;
    const same = await converged(c, 45_000, signal);
    const lost = lostEdits(edits, await serviceFiles(c));
    const to = Date.now();
    await sampler.stop();
    tracker.close(to);
    await prober.stop();
    const report = analyze({
      seed: o.seed,
      durationMs: o.durationMs,
      arbitrator: o.arbitrator,
      backend,
      kinds,
      from: origin,
      to,
      faults,
      probes: prober.probes,
      doubles: tracker.doubles,
      edits,
      lost,
      settle: { lagging, converged: same, ...(serving ? { serving } : {}) },
    });
    for (const e of report.doubleHolds.episodes) e.events = await eventsBetween(c, e.start - 20_000, e.end + 5_000);
    // Kept too when the service was not answering at the end: a liveness problem wants its logs as much.
    if (!report.ok || !report.settle.serving) {
      report.logsDir = o.logs ?? (await mkdtemp(join(tmpdir(), `capsule-nemesis-${o.seed}-`)));
      await saveLogs(c, report.logsDir);
    }
    return report;
  } finally {
    stop.abort();
    await sampler?.stop();
    await prober?.stop();
    await c.dispose();
  }
}
