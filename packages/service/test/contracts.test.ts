// The engine on contract v2: cancellation that kills, the start guard,
// switch and migrate through a peer, and the agentless encapsulated level.
import { KeywordRegistry, evaluateConfig, parseConfig } from '@capsule/config';
import { localExec } from '@capsule/transport';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type ActionOptions } from '../src/actions.js';
import { buildService } from '../src/build.js';
import { encapStatuses } from '../src/encap/status.js';
import { encapChain, resolveTargets } from '../src/encap/chain.js';
import { ServiceLog } from '../src/log.js';
import type { Peer } from '../src/migrate.js';
import type { Service } from '../src/model.js';
import { computeStatus } from '../src/status.js';
import { drivers, markerDriver } from './fixtures/drivers.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-v2-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

const registry = new KeywordRegistry();
for (const g of markerDriver.provides) registry.register(g, undefined, [...markerDriver.keywords]);

async function service(body: string, nodename = 'hv1'): Promise<Service> {
  const text = body.replaceAll('@DIR@', dir);
  const cfg = await evaluateConfig(parseConfig(text, 'svc.conf'), registry, { nodename, svcname: 'svc' });
  return buildService(cfg, drivers, { root: join(dir, nodename), varDir: join(dir, nodename, 'var'), configFile: join(dir, 'svc.conf') });
}

const quiet = (svc: Service) => new ServiceLog(svc.varDir, {}, () => undefined);
const opts = (svc: Service, extra: Partial<ActionOptions> = {}): ActionOptions => ({ exec: localExec, log: quiet(svc), waitlock: 5, ...extra });
const journal = () => readFileSync(join(dir, 'journal'), 'utf8').trim().split('\n').filter((l) => !/^(begin|end)-/.test(l));

// A killed process whose parent died too may linger as a zombie until init reaps it: that is not alive.
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

/** Whether `pid` is gone by 10 s from now: a killed process is reaped a little after its killer returns, later on a loaded machine. */
async function gone(pid: number): Promise<boolean> {
  for (const deadline = Date.now() + 10_000; alive(pid); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > deadline) return false;
  return true;
}

const HUNG = `[DEFAULT]\nnodes = hv1\n[app#1]\nmarker = @DIR@/app\nstatus_cmd = echo $$ > @DIR@/pid; exec sleep 30\n`;

test('a hung status check is undef at its timeout, and its process is gone', async () => {
  const svc = await service(HUNG);
  const s = await computeStatus(svc, { runtime: { exec: localExec }, log: quiet(svc).for('svc'), timeoutMs: 500 });
  expect(s.resources['app#1']).toMatchObject({ status: 'undef', log: ['warn: status timed out after 0.5s'] });
  expect(await gone(Number(await readFile(join(dir, 'pid'), 'utf8')))).toBe(true);
});

test('the status taken under the service lock has a timeout too: the action fails, the lock is released', async () => {
  const svc = await service(HUNG);
  await expect(runAction(svc, 'start', opts(svc, { statusTimeoutMs: 500 }))).rejects.toMatchObject({ code: 'ActionFailed', message: expect.stringContaining('did not answer within 0.5s') });
  expect(await gone(Number(await readFile(join(dir, 'pid'), 'utf8')))).toBe(true);
  expect(existsSync(join(svc.varDir, 'lock'))).toBe(false);
});

const CONTAINER = (extra = '') => `[DEFAULT]\nnodes = hv1 hv2\n[container#0]\nname = vm1\nmarker = @DIR@/{nodename}-vm1\njournal = @DIR@/journal\n${extra}\n[ip#1]\nmarker = @DIR@/{nodename}-ip\njournal = @DIR@/journal\n`;

test('start guard: a guest running elsewhere is not started here, unless forced', async () => {
  const svc = await service(CONTAINER('elsewhere = hv2 (virsh list)'));
  await expect(runAction(svc, 'start', opts(svc))).rejects.toMatchObject({ message: expect.stringContaining('container#0: vm1 already runs elsewhere (hv2 (virsh list)): start refused') });
  expect(existsSync(join(dir, 'hv1-vm1'))).toBe(false);
  await runAction(svc, 'start', opts(svc, { force: true }));
  expect(existsSync(join(dir, 'hv1-vm1'))).toBe(true);
});

/** hv2 as a peer: `svcmgr -s svc ACTION` runs the engine there (its own service instance). */
async function peer(node: string, body: string): Promise<Peer> {
  const there = await service(body, node);
  return {
    node,
    exec: async (argv) => {
      const action = argv[3]!;
      try {
        await runAction(there, action, opts(there));
        return { code: 0, stdout: '', stderr: '' };
      } catch (e) {
        return { code: 1, stdout: '', stderr: JSON.stringify({ code: (e as { code?: string }).code, message: (e as Error).message, hint: 'see hv2' }) + '\n' };
      }
    },
  };
}

test('switch: stop here, start on the peer; without a way to reach it nothing is stopped', async () => {
  const body = CONTAINER();
  const svc = await service(body);
  await runAction(svc, 'start', opts(svc));
  await expect(runAction(svc, 'switch', opts(svc, { to: 'hv2' }))).rejects.toMatchObject({ code: 'NoPeerTransport' });
  await expect(runAction(svc, 'switch', opts(svc, { to: 'hv9' }))).rejects.toMatchObject({ code: 'NotAPeer' });
  expect(existsSync(join(dir, 'hv1-ip'))).toBe(true);
  const hv2 = await peer('hv2', body);
  await runAction(svc, 'switch', opts(svc, { to: 'hv2', peers: (n) => (n === 'hv2' ? hv2 : undefined) }));
  expect(['hv1-ip', 'hv1-vm1', 'hv2-ip', 'hv2-vm1'].map((f) => existsSync(join(dir, f)))).toEqual([false, false, true, true]);
});

test('switch: a failed start on the peer starts the service here again, and its error code survives the hop', async () => {
  const svc = await service(CONTAINER());
  await runAction(svc, 'start', opts(svc));
  const hv2 = await peer('hv2', CONTAINER('fail_start = true'));
  await expect(runAction(svc, 'switch', opts(svc, { to: 'hv2', peers: () => hv2 }))).rejects.toMatchObject({ code: 'ActionFailed', message: expect.stringMatching(/^hv2: /), hint: 'see hv2' });
  expect(['hv1-ip', 'hv1-vm1'].map((f) => existsSync(join(dir, f)))).toEqual([true, true]);
});

test('migrate: the container moves live (marked migrating meanwhile), the rest follows, the marker is gone after', async () => {
  const body = CONTAINER('peer_marker = @DIR@/hv2-vm1\nwatch = @DIR@/hv1/var/migrating');
  const svc = await service(body);
  await runAction(svc, 'start', opts(svc));
  const hv2 = await peer('hv2', body);
  await runAction(svc, 'migrate', opts(svc, { to: 'hv2', peers: () => hv2 }));
  expect(journal().filter((l) => l.startsWith('migrate'))).toEqual(['migrate(migrating=true) to hv2 container#0']);
  // The container was not stopped and started: it moved. The address was.
  expect(journal().filter((l) => l.includes('container#0'))).toEqual(['start container#0', 'migrate(migrating=true) to hv2 container#0']);
  expect(['hv1-ip', 'hv1-vm1', 'hv2-ip', 'hv2-vm1'].map((f) => existsSync(join(dir, f)))).toEqual([false, false, true, true]);
  expect(existsSync(join(svc.varDir, 'migrating'))).toBe(false);
});

test('migrate refuses a container that cannot move live, before anything stops', async () => {
  const svc = await service(CONTAINER());
  await runAction(svc, 'start', opts(svc));
  svc.resources.find((r) => r.rid === 'container#0')!.capabilities = { liveMigrate: false };
  await expect(runAction(svc, 'migrate', opts(svc, { to: 'hv2', peers: () => undefined }))).rejects.toMatchObject({ code: 'MigrationUnsupported', hint: expect.stringContaining('switch --to hv2') });
  expect(existsSync(join(dir, 'hv1-ip'))).toBe(true);
});

test('an agentless guest: the hypervisor runs its encap resources through the guest channel and folds their status', async () => {
  const body =
    `[DEFAULT]\nnodes = hv1\nencapnodes = vm1\n` +
    `[container#0]\ntype = agentless\nname = vm1\nmarker = @DIR@/vm1\nprefix = env CAPSULE_GUEST=vm1\n` +
    `[app#1]\ntags = encap\nmarker = @DIR@/app\nstart_cmd = echo "$CAPSULE_GUEST" > @DIR@/ran-in\nstatus_cmd = test "$CAPSULE_GUEST" = vm1 && test -e @DIR@/app\n`;
  const svc = await service(body);
  const o = opts(svc);
  const targets = resolveTargets(svc, 'start', undefined, {}, o);
  await runAction(svc, 'start', { ...o, encap: encapChain(targets, registry) });
  expect(readFileSync(join(dir, 'ran-in'), 'utf8')).toBe('vm1\n');
  const call = { runtime: { exec: localExec }, log: quiet(svc).for('svc') };
  const s = await computeStatus(svc, { ...call, encap: () => encapStatuses(svc, call, true) });
  expect(s.encap['container#0']).toMatchObject({ guest: 'vm1', avail: 'up', resources: { 'app#1': { status: 'up', flags: '...E' } } });
  expect(s.avail).toBe('up');
});
