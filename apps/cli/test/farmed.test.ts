// The seed's farmed-failover topology for real: a flex service on two test
// hypervisors, each running its own LXC guest (vm1 on hv1, vm2 on hv2); the
// guests form a capsule cluster of their own (agents, heartbeats, ssh) where
// the encapsulated app is a failover service. A hypervisor's start brings
// its container up and leaves the app where the guests' cluster placed it;
// the standby container is no fault; the admin of the hypervisors switches
// the encapsulated level between containers.
import { GuestCluster, TestCluster, until } from '@capsule/testenv';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEntry } from './cli.js';

const T = 240_000;
let c: TestCluster;
let g: GuestCluster;
const vm = (hv: string) => g.guest(hv).name;

beforeAll(async () => {
  c = await TestCluster.create({ nodes: ['hv1', 'hv2'], nodemgr: cliEntry('nodemgr'), port: 10800, ssh: true });
  g = await GuestCluster.create(c, ['hv1', 'hv2'], { port: 10810 });
  for (const x of g.guests) {
    for (const svc of ['web', 'api']) {
      const d = join(x.rootfs, `etc/capsule/${svc}.d`);
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'shop'), `#!/bin/sh\ncase "$1" in start) touch /tmp/${svc}.up;; stop) rm -f /tmp/${svc}.up;; status) [ -e /tmp/${svc}.up ];; esac\n`);
      await chmod(join(d, 'shop'), 0o755);
    }
  }
  // One container per hypervisor, the app in the containers; the encapsulated level failover (web) or flex (api).
  const farmed = (encapLevel: string) => `[DEFAULT]
nodes = hv1 hv2
topology = flex
orchestrate = no
encapnodes = ${vm('hv1')} ${vm('hv2')}
nodes@encapnodes = ${vm('hv1')} ${vm('hv2')}
${encapLevel}

[container#0]
type = lxc
name@hv1 = ${vm('hv1')}
name@hv2 = ${vm('hv2')}
lxcpath = ${g.guests[0]!.lxcpath}
start_timeout = 20
stop_timeout = 1

[app#1]
script = shop
tags = encap
`;
  await c.writeService('web', () => farmed('topology@encapnodes = failover\norchestrate@encapnodes = ha'));
  // Farmed-farmed beside it: the same guests, one instance in each container.
  await c.writeService('api', () => farmed('topology@encapnodes = flex\nflex_min@encapnodes = 2\norchestrate@encapnodes = no'));
}, T);

afterAll(async () => {
  await g?.dispose();
  await c?.dispose();
}, T);

const runs = async (hv: string, svc = 'web') => g.exists(hv, `/tmp/${svc}.up`);
const svcmgr = (hv: string, ...args: string[]) => c.cli(hv, 'svcmgr', ['-s', 'web', ...args]);
const svcmgr2 = (hv: string, ...args: string[]) => c.cli(hv, 'svcmgr', ['-s', 'api', ...args]);

test('farmed-failover: one app across both hypervisors starts, the standby container is no fault, the hypervisor switches the encapsulated level', async () => {
  // The containers first, then the guests' cluster: sshd and an agent in each.
  for (const hv of ['hv1', 'hv2']) expect(await svcmgr(hv, 'start', '--master')).toMatchObject({ code: 0 });
  await g.startAgents();
  await until('the guests in one cluster', async () => (await g.attach(vm('hv1'), ['nodemgr', 'daemon', 'status'])).stdout.includes('quorum'));

  expect(await svcmgr('hv1', 'start')).toMatchObject({ code: 0 });
  expect(await runs('hv1')).toBe(true);
  // vm2's agent hears vm1 run it: hv2's start starts the container level only, vm2 stays the standby.
  await until("vm2's agent sees web up in vm1", async () => (await g.attach(vm('hv2'), ['svcmon', '--format', 'json'])).stdout.includes('"avail": "up"'));
  const started = await svcmgr('hv2', 'start');
  expect(started).toMatchObject({ code: 0 });
  expect(started.stderr).toContain('stays its standby');
  expect(await runs('hv2')).toBe(false);
  expect(await runs('hv1')).toBe(true);

  // The standby container is no fault: up, not warn, and said (once vm2's agent has read the service it was just given).
  const standby = async () => (await svcmgr('hv2', 'print', 'status', '--refresh')).stdout;
  await until('hv2 reads vm2 as the standby', async () => /^web\s+up/.test(await standby())).catch(async (e: Error) => {
    throw new Error(`${e.message}\nhv2: ${await standby()}\nvm2: ${(await g.attach(vm('hv2'), ['svcmgr', '-s', 'web', 'json', 'status'])).stdout}`);
  });
  const status = { stdout: await standby() };
  expect(status.stdout).toContain(`standby: the encapsulated service runs in ${vm('hv1')}`);

  // The hypervisors' admin moves the encapsulated level: vm1 switches it to vm2 over the guests' ssh.
  const sw = await svcmgr('hv1', 'switch', '--to', vm('hv2'));
  expect(sw).toMatchObject({ code: 0 });
  if (!(await runs('hv2'))) throw new Error(`switch: ${sw.stderr}\nvm2 log: ${(await g.attach(vm('hv2'), ['svcmgr', '-s', 'web', 'logs'])).stdout}\nvm1 log: ${(await g.attach(vm('hv1'), ['svcmgr', '-s', 'web', 'logs'])).stdout}`);
  expect(await runs('hv2')).toBe(true);
  expect(await runs('hv1')).toBe(false);
  // From the hypervisor whose container does not run it: nothing to switch from there, said.
  const none = await svcmgr('hv1', 'switch', '--to', vm('hv2'));
  expect(none.code).not.toBe(0);
  expect(none.stderr).toContain('no container of hv1 runs its encapsulated service');
}, T);

test('farmed-farmed beside it: each hypervisor starts the encapsulated app in its own container, folds its own guest, --slave acts on one', async () => {
  for (const hv of ['hv1', 'hv2']) expect(await svcmgr2(hv, 'start')).toMatchObject({ code: 0 });
  expect([await runs('hv1', 'api'), await runs('hv2', 'api')]).toEqual([true, true]);
  for (const hv of ['hv1', 'hv2']) {
    const s = (await svcmgr2(hv, 'print', 'status', '--refresh')).stdout;
    expect(s.split('\n')[0]).toMatch(/api\s+up/);
    expect(s).toMatch(/app#1\s+\S*E\s+up/);
  }
  // --slave: only that container's encapsulated app stops; the hypervisor level and the other guest stay.
  expect(await svcmgr2('hv1', 'stopapp', '--slave', vm('hv1'))).toMatchObject({ code: 0 });
  expect([await runs('hv1', 'api'), await runs('hv2', 'api')]).toEqual([false, true]);
  expect(await svcmgr2('hv1', 'startapp', '--slave', vm('hv1'))).toMatchObject({ code: 0 });
  expect(await runs('hv1', 'api')).toBe(true);
}, T);
