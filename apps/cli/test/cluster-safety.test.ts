// The start rule and the watchdog on real agents (network namespaces,
// `quorum = true`), sampled every 100 ms: the passive node's agent killed
// and restarted ten times moves nothing (with and without an arbitrator);
// the holder's agent paused for 10 s has its service stopped by its
// watchdog before a peer takes it over, and wakes without acting; a
// standby whose start failed is shown not eligible, with its backoff,
// until `svcmgr clear`.
import { TestCluster, until } from '@capsule/testenv';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
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
    // One more timeout (four intervals of the agent's own) in which the last restart could act.
    await c.afterHeartbeats(passive, 4);
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
      // Three intervals of its own in which the woken agent could act.
      await c.afterHeartbeats('hv1', 3);
      expect(await holders(c)).toEqual(['hv2']);
    } finally {
      expect(await s.stop()).toEqual([]);
    }
    expect(readFileSync(join(c.node('hv1').root, 'var/log/capsule/watchdog.log'), 'utf8')).toMatch(/without renewal: stopping web[\s\S]*stop web: /);
    expect(c.node('hv1').log.join('\n')).toMatch(/clock gap of \d+\.\d s/);
    expect(c.node('hv2').log.join('\n')).toMatch(/start web: target started, placement leader of hv2,hv3, hv1 silent \d+\.\d s/);
  }, T);

  test('a node whose start failed is shown not eligible with its backoff; svcmgr clear makes it eligible again', async () => {
    const holder = (await until('web held', async () => ((await holders(c)).length === 1 ? (await holders(c))[0] : undefined), 60_000))!;
    const [next, last] = ['hv1', 'hv2', 'hv3'].filter((n) => n !== holder) as [string, string];
    await mkdir(join(c.node(next).root, 'var'), { recursive: true });
    await writeFile(join(c.node(next).root, 'var/fail-start'), '');
    await c.powerOff(holder);
    await until(`web on ${last}`, async () => (await holders(c)).join() === last, 60_000);
    const eligible = async (on: string) => (JSON.parse((await c.cli(on, 'svcmon', ['--format', 'json'])).stdout) as Array<{ node: string; eligible: string }>).find((r) => r.node === next)?.eligible;
    expect(await eligible(last)).toMatch(/^no: start failed, retry in \d+ s$/);
    await rm(join(c.node(next).root, 'var/fail-start'));
    expect(await c.cli(next, 'svcmgr', ['-s', 'web', 'clear'])).toMatchObject({ code: 0, stdout: expect.stringContaining(`forgotten on ${next}: eligible again`) });
    await until(`${next} eligible again, seen from ${last}`, async () => (await eligible(last)) === 'yes', 30_000);
    expect(c.node(next).log.join('\n')).toMatch(/web: not eligible here for 10 s \(failure 1 in a row; svcmgr -s web clear to retry now\)/);
    await c.powerOn(holder);
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
