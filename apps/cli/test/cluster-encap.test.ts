// An edit made inside a guest reaches every node of the cluster: hv1 runs
// the LXC container, pulls the guest's edit before its next encapsulated
// action, and its daemon, replication master of the service, pushes the
// merged file to hv2 over ssh. hv2 gets the hypervisor's whole file (the
// container section included), not the guest's view of it.
import { TestCluster, TestContainers, until, type TestContainer } from '@capsule/testenv';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cliEntry } from './cli.js';

const T = 120_000;
const lxc = new TestContainers();
let vm: TestContainer;
let c: TestCluster;

beforeAll(async () => {
  // No bridge: the guest is reached by lxc-attach, whatever network namespace hv1 runs in.
  vm = await lxc.create({ agent: true });
  const d = join(vm.rootfs, 'etc/capsule/web.d');
  await mkdir(d, { recursive: true });
  await writeFile(join(d, 'shop'), '#!/bin/sh\ncase "$1" in start) touch /tmp/shop.up;; stop) rm -f /tmp/shop.up;; status) [ -e /tmp/shop.up ];; esac\n');
  await chmod(join(d, 'shop'), 0o755);
  c = await TestCluster.create({ nodes: ['hv1', 'hv2'], nodemgr: cliEntry('nodemgr'), port: 10500, ssh: true });
  await c.writeService(
    'web',
    () => `[DEFAULT]
nodes = hv1 hv2
encapnodes = ${vm.name}
nodes@encapnodes = ${vm.name}
orchestrate = no

[container#0]
type = lxc
name = ${vm.name}
lxcpath = ${vm.lxcpath}
start_timeout = 20
stop_timeout = 1

[app#1]
script = shop
tags = encap
`,
  );
  for (const n of c.nodes.keys()) c.startDaemon(n);
}, T);

afterAll(async () => {
  await c?.cli('hv1', 'svcmgr', ['-s', 'web', 'stop']).catch(() => undefined);
  await c?.node('hv1').host.exec(['lxc-stop', '-P', vm.lxcpath, '-n', vm.name, '-k']);
  await c?.dispose();
  await lxc.dispose();
}, T);

test('an edit made in the guest on hv1 reaches hv2: pulled before the next action, then replicated by the daemon', async () => {
  expect(await c.cli('hv1', 'svcmgr', ['-s', 'web', 'start'])).toMatchObject({ code: 0 });
  // LXC's command socket is abstract, so per network namespace: the guest is reached from hv1's.
  const guest = (...args: string[]) => c.node('hv1').host.exec(['lxc-attach', '-P', vm.lxcpath, '-n', vm.name, '--clear-env', '--', 'svcmgr', '-s', 'web', ...args]);
  expect(await guest('set', '--param', 'app#1.comment', '--value', 'edited in the guest')).toMatchObject({ code: 0, stderr: '' });
  // The guest holds its view only: no hypervisor-level section to leak or to edit.
  expect(await readFile(join(vm.rootfs, 'etc/capsule/web.conf'), 'utf8')).not.toContain('[container#0]');
  expect(await c.cli('hv1', 'svcmgr', ['-s', 'web', 'startapp', '--slaves'])).toMatchObject({ code: 0 });
  const file = (n: string) => join(c.node(n).root, 'etc/capsule/web.conf');
  expect(await readFile(file('hv1'), 'utf8')).toContain('comment = edited in the guest');
  await until('the edit on hv2', async () => existsSync(file('hv2')) && (await readFile(file('hv2'), 'utf8')).includes('comment = edited in the guest'));
  const there = await readFile(file('hv2'), 'utf8');
  expect(there).toBe(await readFile(file('hv1'), 'utf8'));
  expect(there).toContain(`[container#0]\ntype = lxc\nname = ${vm.name}`);
  expect(c.node('hv1').log.join('\n')).toMatch(/sync web: hv2 need update/);
  await rm(join(vm.rootfs, 'tmp/shop.up'), { force: true });
}, T);
