// The start rule and the watchdog on real agents (network namespaces,
// `quorum = true`), sampled every 100 ms: the passive node's agent killed
// and restarted ten times moves nothing (with and without an arbitrator);
// the holder's agent paused for 10 s has its service stopped by its
// watchdog before a peer takes it over, and wakes without acting.
import { TestCluster, until } from '@capsule/testenv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliEntry } from './cli.js';
import { holders, sampler, writeWebService } from './cluster-web.js';

const T = 240_000;

async function restartPassiveTenTimes(c: TestCluster, passive: string): Promise<void> {
  await until('web on hv1', async () => (await holders(c)).join() === 'hv1', 60_000);
  const s = sampler(c);
  try {
    for (let i = 0; i < 10; i++) {
      await c.restartAgent(passive);
      // Ready: it has heard its peers for a whole timeout and decides from now on.
      await until(`${passive} ready again (${i + 1}/10)`, async () => (await c.daemonStatus(passive))?.ready === true, 60_000);
    }
    // One more timeout in which the last restart could act.
    await new Promise((r) => setTimeout(r, 4000));
  } finally {
    expect(await s.stop()).toEqual([]);
  }
  expect([...s.seen]).toEqual(['hv1']);
  expect(c.node(passive).log.join('\n')).not.toMatch(/start web/);
  expect(c.node('hv1').log.join('\n')).not.toMatch(/stop web/);
}

describe('three nodes, quorum = true', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: cliEntry('nodemgr'), port: 10300, fence: true });
    await writeWebService(c);
    for (const n of c.nodes.keys()) c.startDaemon(n);
  }, T);
  afterAll(() => c?.dispose(), T);

  test('the passive node agent killed and restarted 10 times: web never moves, never runs twice', () => restartPassiveTenTimes(c, 'hv3'), T);

  test('the holder agent paused 10 s: its watchdog stops web before hv2 takes it; woken, it acts on nothing', async () => {
    await until('web on hv1', async () => (await holders(c)).join() === 'hv1', 60_000);
    const s = sampler(c);
    try {
      await c.signalAgent('hv1', 'SIGSTOP');
      const t0 = Date.now();
      await until('web on hv2', async () => (await holders(c)).join() === 'hv2', 60_000);
      await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - t0))));
      await c.signalAgent('hv1', 'SIGCONT');
      await until('hv1 ready again', async () => (await c.daemonStatus('hv1'))?.ready === true, 60_000);
      await new Promise((r) => setTimeout(r, 3000));
      expect(await holders(c)).toEqual(['hv2']);
    } finally {
      expect(await s.stop()).toEqual([]);
    }
    expect(readFileSync(join(c.node('hv1').root, 'var/log/capsule/watchdog.log'), 'utf8')).toMatch(/without renewal: stopping web[\s\S]*stop web: /);
    expect(c.node('hv1').log.join('\n')).toMatch(/clock gap of \d+\.\d s/);
    expect(c.node('hv2').log.join('\n')).toMatch(/start web: placement leader of hv2,hv3, hv1 silent \d+\.\d s/);
  }, T);
});

describe('two nodes and an arbitrator, quorum = true', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create({ nodes: ['hv1', 'hv2'], nodemgr: cliEntry('nodemgr'), port: 10320, fence: true, arbitrator: true });
    await writeWebService(c);
    for (const n of c.nodes.keys()) c.startDaemon(n);
  }, T);
  afterAll(() => c?.dispose(), T);

  test('the passive node agent killed and restarted 10 times: web never moves, never runs twice', () => restartPassiveTenTimes(c, 'hv2'), T);
});
