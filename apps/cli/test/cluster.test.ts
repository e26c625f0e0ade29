// The cluster for real: agent daemons in network namespaces on one switch,
// signed UDP heartbeats between them, a failover service with a service
// address and an app. A node powered off: the service comes up on the next
// node and the client reaches it there; the node comes back: no double
// start at any moment (sampled every 100 ms). A network cut in a 2-node
// cluster: never both up. Forged and replayed heartbeats: counted, ignored.
import { TestCluster, until, type ClusterNode } from '@capsule/testenv';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEntry } from './cli.js';
import { holders, reach, sampler, writeWebService } from './cluster-web.js';

const T = 120_000;


describe('three nodes', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: cliEntry('nodemgr'), port: 10100, ssh: true });
    await writeWebService(c);
    for (const n of c.nodes.keys()) c.startDaemon(n);
  }, T);
  afterAll(() => c?.dispose(), T);

  test('the service comes up on hv1, fails over to hv2 when hv1 loses power, and hv1 back does not start it again', async () => {
    const s = sampler(c);
    try {
      await until('web on hv1', async () => (await reach(c)) === 'hv1');
      await c.powerOff('hv1');
      const t0 = Date.now();
      await until('web on hv2', async () => (await reach(c)) === 'hv2');
      const failoverMs = Date.now() - t0;
      expect(await holders(c)).toEqual(['hv2']);
      await c.powerOn('hv1');
      // hv1 hears its peers again, sees web up on hv2, and leaves it there.
      await until('hv1 back in the cluster', async () => (await c.cli('hv1', 'nodemgr', ['daemon', 'status'])).stdout.includes(': quorum (majority (3/3))'));
      await new Promise((r) => setTimeout(r, 5000));
      expect(await holders(c)).toEqual(['hv2']);
      expect(await reach(c)).toBe('hv2');
      expect(c.node('hv2').log.join('\n')).toMatch(/start web: target started, placement leader of hv2,hv3/);
      // svcmon on any node shows the service on every node, from the daemon's views.
      const mon = JSON.parse((await c.cli('hv3', 'svcmon', ['--format', 'json'])).stdout) as Array<{ node: string; avail: string; config: string }>;
      expect(mon.map((r) => [r.node, r.avail, r.config])).toEqual([['hv1', 'down', 'ok'], ['hv2', 'up', 'ok'], ['hv3', 'down', 'ok']]);
      // The figure is reported by bench/failover.mjs; here it only has to be finite.
      expect(failoverMs).toBeGreaterThan(0);
    } finally {
      expect(await s.stop()).toEqual([]);
    }
  }, T);

  test('switch --to hv3 from the node running it: stopped here, started there over ssh, no daemon interferes', async () => {
    const from = await until('web answering', () => reach(c));
    const s = sampler(c);
    try {
      const r = await c.cli(from, 'svcmgr', ['-s', 'web', 'switch', '--to', 'hv3']);
      expect(r).toMatchObject({ code: 0 });
      expect(await reach(c)).toBe('hv3');
      // Long enough for every daemon to have seen the move and decided on it.
      await new Promise((r) => setTimeout(r, 4000));
      expect(await holders(c)).toEqual(['hv3']);
    } finally {
      expect(await s.stop()).toEqual([]);
    }
  }, T);

  test('switch --to a node that cannot take it (unknown, cut off): refused before anything stops, web keeps answering here', async () => {
    const from = await until('web answering', () => reach(c));
    const to = ['hv1', 'hv2', 'hv3'].find((n) => n !== from)!;
    const serviceLog = () => readFileSync(join(c.node(from).root, 'var/lib/capsule/web/log'), 'utf8');
    const before = serviceLog().length;
    expect(await c.cli(from, 'svcmgr', ['-s', 'web', 'switch', '--to', 'hv9'])).toMatchObject({ code: 1, stderr: expect.stringContaining('hv9 is not another node of the service') });
    await c.cut(from, to);
    try {
      const r = await c.cli(from, 'svcmgr', ['-s', 'web', 'switch', '--to', to]);
      expect(r.code).toBe(1);
      // Either the daemon already counts it lost, or ssh cannot reach it: both before the stop.
      expect(r.stderr).toMatch(new RegExp(`${to} is not alive in this node's cluster membership|${c.node(to).addr.replace(/\./g, '\\.')}( |:\\d+ )is unreachable`));
      expect(await reach(c)).toBe(from);
      expect(await holders(c)).toEqual([from]);
      expect(serviceLog().slice(before)).not.toMatch(/stopping here/);
    } finally {
      await c.cut(from, to, true);
    }
  }, T);

  test('nodemgr freeze on hv1 reaches its peers: when hv3 loses power, the service skips frozen hv1 for hv2', async () => {
    expect(await until('web on hv3', async () => (await reach(c)) === 'hv3')).toBe(true);
    expect((await c.cli('hv1', 'nodemgr', ['freeze'])).stdout).toBe('hv1 frozen\n');
    const seen = c.node('hv1').log.length;
    const s = sampler(c);
    try {
      await c.powerOff('hv3');
      await until('web on hv2', async () => (await reach(c)) === 'hv2');
      expect(c.node('hv1').log.slice(seen).join('\n')).not.toMatch(/start web/);
    } finally {
      expect(await s.stop()).toEqual([]);
      await c.cli('hv1', 'nodemgr', ['thaw']);
    }
  }, T);

  /** Whether `from`'s daemon sees web up on `node` (svcmon's view). */
  const seenUp = async (from: string, node: string) =>
    (JSON.parse((await c.cli(from, 'svcmon', ['--format', 'json'])).stdout) as Array<{ service: string; node: string; avail: string }>).some((r) => r.service === 'web' && r.node === node && r.avail === 'up');

  test('takeover on hv1 asks hv2 over ssh to switch web here; giveback on hv2 sends it to the placement leader hv1', async () => {
    expect(await until('web on hv2', async () => (await reach(c)) === 'hv2')).toBe(true);
    const s = sampler(c);
    try {
      const r = await c.cli('hv1', 'svcmgr', ['-s', 'web', 'takeover']);
      expect(r).toMatchObject({ code: 0, stderr: expect.stringContaining('asking hv2 to switch it to hv1') });
      expect(await reach(c)).toBe('hv1');
      expect((await c.cli('hv1', 'svcmgr', ['-s', 'web', 'switch', '--to', 'hv2'])).code).toBe(0);
      await until('hv2 seen holding web by its daemon', () => seenUp('hv2', 'hv2'));
      const back = await c.cli('hv2', 'svcmgr', ['-s', 'web', 'giveback']);
      expect(back.code).toBe(0);
      expect(await reach(c)).toBe('hv1');
      await until('hv1 seen holding web by its daemon', () => seenUp('hv1', 'hv1'));
      expect(await c.cli('hv1', 'svcmgr', ['-s', 'web', 'giveback'])).toMatchObject({ code: 0, stderr: 'web already runs on hv1\n' });
      await new Promise((r) => setTimeout(r, 3000));
      expect(await holders(c)).toEqual(['hv1']);
    } finally {
      expect(await s.stop()).toEqual([]);
    }
  }, T);

  test('monitor: the app killed on hv1 is restarted there once; killed again, web is given up on hv1 and fails over to hv2', async () => {
    expect(await until('web on hv1', async () => (await reach(c)) === 'hv1')).toBe(true);
    const kill = () => process.kill(Number(readFileSync(join(c.node('hv1').root, 'var/web.pid'), 'utf8')), 'SIGKILL');
    const seen = c.node('hv1').log.length;
    const s = sampler(c);
    try {
      kill();
      await until('the restart on hv1', async () => c.node('hv1').log.slice(seen).some((l) => l.includes('start web: monitor: restart app#1 1/1')));
      expect(await until('web answering on hv1 again', async () => (await reach(c)) === 'hv1')).toBe(true);
      kill();
      await until('web on hv2', async () => (await reach(c)) === 'hv2');
      expect(c.node('hv1').log.slice(seen).join('\n')).toMatch(/stop web: monitor: app#1 down after 1 restart\(s\), giving web up here/);
    } finally {
      expect(await s.stop()).toEqual([]);
    }
  }, T);

  test('config replication: a service created on hv2 reaches hv1, then an edit on hv2 does too, mtime kept', async () => {
    const file = (n: string) => join(c.node(n).root, 'etc/capsule/db.conf');
    const { writeFile: write, stat } = await import('node:fs/promises');
    await write(file('hv2'), '[DEFAULT]\nnodes = hv1 hv2 hv3\n\n[app#1]\nscript = /bin/false\n');
    await until('db.conf on hv1', async () => existsSync(file('hv1')) && readFileSync(file('hv1'), 'utf8') === readFileSync(file('hv2'), 'utf8'));
    expect((await c.cli('hv2', 'svcmgr', ['-s', 'db', 'set', '--param', 'comment', '--value', 'edited on hv2'])).code).toBe(0);
    await until('the edit on hv1', async () => readFileSync(file('hv1'), 'utf8').includes('comment = edited on hv2'));
    // utimes takes seconds as a float: the sender's mtime comes back to the millisecond, not finer.
    expect(Math.abs((await stat(file('hv1'))).mtimeMs - (await stat(file('hv2'))).mtimeMs)).toBeLessThan(2);
    expect(c.node('hv2').log.join('\n')).toMatch(/sync db: hv1(, hv3)? need update/);
  }, T);
});

describe('two nodes, network cut', () => {
  let c: TestCluster;
  beforeAll(async () => {
    c = await TestCluster.create({ nodes: ['hv1', 'hv2'], nodemgr: cliEntry('nodemgr'), port: 10200 });
    await writeWebService(c);
    for (const n of c.nodes.keys()) c.startDaemon(n);
  }, T);
  afterAll(() => c?.dispose(), T);

  test('without arbitrator: both halves lose quorum, hv2 starts nothing, never both up', async () => {
    await until('web on hv1', async () => (await reach(c)) === 'hv1');
    const s = sampler(c);
    try {
      await c.cut('hv1', 'hv2');
      await until('hv2 without quorum', async () => (await c.cli('hv2', 'nodemgr', ['daemon', 'status'])).stdout.includes('NO QUORUM'));
      await new Promise((r) => setTimeout(r, 4000));
      expect(await holders(c)).toEqual(['hv1']);
      await c.cut('hv1', 'hv2', true);
      await until('hv2 back to quorum', async () => (await c.cli('hv2', 'nodemgr', ['daemon', 'status'])).stdout.includes(': quorum'));
      expect(await holders(c)).toEqual(['hv1']);
    } finally {
      expect(await s.stop()).toEqual([]);
    }
  }, T);

  test('a forged heartbeat (wrong secret), a replayed one and a duplicate are rejected and counted apart', async () => {
    const counters = async () => JSON.parse((await c.cli('hv2', 'nodemgr', ['daemon', 'status', '--format', 'json'])).stdout).counters as { accepted: number; rejected: Record<string, number> };
    // A genuine datagram (right secret) from a new boot of hv1 is accepted once, then counted as a duplicate (what a second link
    // delivers); an older one of the same boot is a replay.
    await until('hv2 daemon answering', async () => (await c.cli('hv2', 'nodemgr', ['daemon', 'status'])).code === 0);
    const before = await counters();
    // Built and sent in one process in the client's namespace, so the timestamp is fresh when it lands.
    const codec = new URL('../../../packages/cluster/dist/hb/codec.js', import.meta.url).pathname;
    const script = `
      const { encodeHeartbeat } = await import(${JSON.stringify(codec)});
      const s = (await import('node:dgram')).createSocket('udp4');
      const msg = { cluster: 'test', node: 'hv1', boot: 'forged', seq: 2, ts: Date.now(), view: { frozen: false, up: 0, peers: {}, services: {} } };
      const genuine = encodeHeartbeat(msg, process.env.SECRET);
      const older = encodeHeartbeat({ ...msg, seq: 1 }, process.env.SECRET);
      for (const b of [encodeHeartbeat(msg, 'not-the-secret-of-this-cluster!!'), genuine, genuine, older]) await new Promise((r) => s.send(b, 10200, ${JSON.stringify(c.node('hv2').addr)}, r));
      s.close();`;
    const r = await c.client.exec([process.execPath, '--input-type=module', '-e', script], { env: { SECRET: c.secret } });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    await until('the four datagrams counted', async () => {
      const after = await counters();
      const more = (k: string) => after.rejected[k]! - before.rejected[k]!;
      return more('badMac') === 1 && more('replay') === 1 && more('duplicate') === 1 && after.accepted > before.accepted && after;
    });
  }, T);

  test('nodemgr set on a heartbeat keyword reaches the running daemon: it reloads, keeps its services and its peer', async () => {
    await until('web on hv1', async () => (await reach(c)) === 'hv1');
    const r = await c.cli('hv1', 'nodemgr', ['set', '--param', 'hb#1.timeout', '--value', '4s']);
    expect(r).toMatchObject({ code: 0, stderr: expect.stringContaining('the agent daemon reloaded node.conf') });
    expect(c.node('hv1').log.join('\n')).toMatch(/reloaded node.conf: cluster test \(hv1 hv2\), heartbeats every 1000 ms, timeout 4000 ms/);
    await until('hv1 with its peer again', async () => (await c.cli('hv1', 'nodemgr', ['daemon', 'status'])).stdout.includes(': quorum'));
    expect(await holders(c)).toEqual(['hv1']);
    // An edit the daemon could not run with is refused before it: the file and the daemon keep the previous one.
    expect(await c.cli('hv1', 'nodemgr', ['set', '--param', 'hb#1.timeout', '--value', '500ms'])).toMatchObject({ code: 1, stderr: expect.stringContaining('must be longer than interval') });
  }, T);
});

describe('two nodes with an arbitrator', () => {
  let c: TestCluster;
  const status = async (node: string) => (await c.cli(node, 'nodemgr', ['daemon', 'status'])).stdout;
  beforeAll(async () => {
    c = await TestCluster.create({ nodes: ['hv1', 'hv2'], nodemgr: cliEntry('nodemgr'), port: 10300, arbitrator: true });
    await writeWebService(c);
    for (const n of c.nodes.keys()) c.startDaemon(n);
  }, T);
  afterAll(() => c?.dispose(), T);

  test('a cut: the arbitrator still hears both, the half holding hv1 keeps quorum and the service, hv2 starts nothing', async () => {
    await until('web on hv1', async () => (await reach(c)) === 'hv1');
    const s = sampler(c);
    try {
      await c.cut('hv1', 'hv2');
      await until('hv2 without quorum', async () => (await status('hv2')).includes('NO QUORUM (split from hv1: the other half holds hv1)'));
      // hv1 may see the split up to an interval after hv2 does.
      await until('hv1 keeps quorum through the arbitrator', async () => (await status('hv1')).includes(': quorum (split from hv2: this half holds hv1)'));
      for (const n of ['hv1', 'hv2']) await c.afterHeartbeats(n, 3);
      expect(await holders(c)).toEqual(['hv1']);
      await c.cut('hv1', 'hv2', true);
      await until('hv2 back to quorum', async () => (await status('hv2')).includes(': quorum (majority'));
    } finally {
      expect(await s.stop()).toEqual([]);
    }
  }, T);

  test('hv1 loses power: the arbitrator no longer hears it, so hv2 has quorum and takes the service', async () => {
    await c.powerOff('hv1');
    await until('web on hv2', async () => (await reach(c)) === 'hv2');
    expect(await status('hv2')).toContain('the arbitrator hears none of the others');
  }, T);
});

describe('a flex service on three nodes, multicast heartbeats', () => {
  let c: TestCluster;
  const running = (n: ClusterNode, app: string) => {
    const pidf = join(n.root, `var/${app}.pid`);
    try {
      process.kill(Number(readFileSync(pidf, 'utf8')), 0);
      return true;
    } catch {
      return false;
    }
  };
  const instances = (app = 'api') => [...c.nodes.values()].filter((n) => n.daemon && running(n, app)).map((n) => n.name);
  beforeAll(async () => {
    c = await TestCluster.create({ nodes: ['hv1', 'hv2', 'hv3'], nodemgr: cliEntry('nodemgr'), port: 10400, hb: 'multicast' });
    // orchestrate = start: placed up to flex_min once; hv1's start fails, so the second instance is hv3's.
    await c.writeService('batch', () => `[DEFAULT]\nnodes = hv1 hv2 hv3\ntopology = flex\nflex_min = 2\norchestrate = start\n\n[app#1]\nscript = batch.sh\nstart = 10\nstop = 10\ncheck = 10\n`, {
      'etc/capsule/batch.d/batch.sh': (n) => `#!/bin/sh\npidf=${n.root}/var/batch.pid\ncase "$1" in\nstart) [ -f ${n.root}/var/batch-fails ] && exit 1; mkdir -p ${n.root}/var; setsid sleep 100000 </dev/null >/dev/null 2>&1 & echo $! > $pidf ;;\nstop) [ -f $pidf ] && kill $(cat $pidf) 2>/dev/null; rm -f $pidf ;;\nstatus) [ -f $pidf ] && kill -0 $(cat $pidf) 2>/dev/null ;;\nesac\n`,
    });
    await mkdir(join(c.node('hv1').root, 'var'), { recursive: true });
    await writeFile(join(c.node('hv1').root, 'var/batch-fails'), '');
    await c.writeService('api', () => `[DEFAULT]\nnodes = hv1 hv2 hv3\ntopology = flex\nflex_min = 2\norchestrate = ha\n\n[app#1]\nscript = api.sh\nstart = 10\nstop = 10\ncheck = 10\n`, {
      'etc/capsule/api.d/api.sh': (n) => `#!/bin/sh\npidf=${n.root}/var/api.pid\ncase "$1" in\nstart) mkdir -p ${n.root}/var; setsid sleep 100000 </dev/null >/dev/null 2>&1 & echo $! > $pidf ;;\nstop) [ -f $pidf ] && kill $(cat $pidf) 2>/dev/null; rm -f $pidf ;;\nstatus) [ -f $pidf ] && kill -0 $(cat $pidf) 2>/dev/null ;;\nesac\n`,
    });
    for (const n of c.nodes.keys()) c.startDaemon(n);
  }, T);
  afterAll(() => c?.dispose(), T);

  test('flex_min = 2 with orchestrate = start: a failed start on hv1 is made up by hv3, up to flex_min once', async () => {
    const two = await until('two batch instances', async () => instances('batch').length === 2 && instances('batch')).catch(() => {
      throw new Error(`batch on ${instances('batch').join(',')}\n${['hv1', 'hv2', 'hv3'].map((n) => `${n}: ${c.node(n).log.filter((l) => l.includes('batch')).join('\n')}`).join('\n')}`);
    });
    expect(two).toEqual(['hv2', 'hv3']);
    expect(c.node('hv3').log.join('\n')).toMatch(/start batch.*flex: 1 of 2 instances up/);
  }, T);

  test('flex_min = 2: two instances, and two again after one of their nodes loses power', async () => {
    expect(await until('two instances', async () => instances().length === 2 && instances())).toEqual(['hv1', 'hv2']);
    await c.powerOff('hv1');
    expect(await until('two instances again', async () => instances().length === 2 && instances())).toEqual(['hv2', 'hv3']);
    // Never more than flex_max (the number of nodes) and, three decision rounds later, no third start.
    for (const n of ['hv2', 'hv3']) await c.afterHeartbeats(n, 3);
    expect(instances()).toEqual(['hv2', 'hv3']);
  }, T);
});
