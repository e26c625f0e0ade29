// The driver in the real engine: this repository's built svcmgr finds it as
// an administrator-installed driver ($CAPSULE_ROOT/usr/lib/capsule/drivers),
// starts the machine on the VBoxManage simulator, and chains the service
// into the guest's own capsule agent over ssh; stop goes guest first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installAgent } from '../../../tooling/simulators/guest-kit/lib/fixture.mjs';
import { VboxHost } from './fixture.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const host = new VboxHost();
let hv: string;
let guestRoot: string;

beforeAll(async () => {
  await host.setup();
  hv = await mkdtemp(join(tmpdir(), 'capsule-vbox-cli-'));
  guestRoot = await mkdtemp(join(tmpdir(), 'capsule-vbox-guest-'));
}, 30_000);
afterAll(async () => {
  await host.dispose();
  await rm(hv, { recursive: true, force: true });
  await rm(guestRoot, { recursive: true, force: true });
}, 30_000);

function svcmgr(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'apps/cli/dist/bin/svcmgr.js'), '-s', 'web', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...host.sim.env(), CAPSULE_ROOT: hv, CAPSULE_NODENAME: 'hv1', CAPSULE_GUEST_STATUS_TIMEOUT: '10' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the seed scenario on a container.vbox whose guest runs a capsule agent: chained start, status folded with E, a guest edit kept, stop guest first', async () => {
  installAgent(guestRoot);
  const m = await host.machine({ agentRoot: guestRoot });
  // The driver as an administrator installs it, beside no bundled one.
  const drivers = join(hv, 'usr/lib/capsule/drivers');
  await mkdir(join(drivers, 'node_modules/@capsule'), { recursive: true });
  await writeFile(join(drivers, 'package.json'), JSON.stringify({ dependencies: { '@capsule/driver-vbox': '*' } }));
  await symlink(fileURLToPath(new URL('..', import.meta.url)), join(drivers, 'node_modules/@capsule/driver-vbox'));
  await mkdir(join(hv, 'etc/capsule'), { recursive: true });
  await writeFile(join(hv, 'etc/capsule/node.conf'), `[ssh]\nidentity_file = ${host.ssh.defaults.identityFile}\nknown_hosts = ${host.knownHosts}\n`);
  await writeFile(
    join(hv, 'etc/capsule/web.conf'),
    `[DEFAULT]\nnodes = hv1\nencapnodes = ${m.name}\nnodes@encapnodes = ${m.name}\n\n[container#0]\ntype = vbox\nname = ${m.name}\naddress = ${m.address}\nstart_timeout = 30\nstop_timeout = 10\n\n[app#1]\nscript = shop\ntags = encap\n`,
  );

  const start = svcmgr('start');
  expect([start.code, start.stderr]).toEqual([0, expect.stringContaining(`VBoxManage startvm ${m.name} --type headless`)]);
  expect(await host.state(m.name)).toBe('running');
  // The guest's agent got the service file and started the encapsulated app in its own root.
  expect(existsSync(join(guestRoot, 'etc/capsule/web.conf'))).toBe(true);
  expect(existsSync(join(guestRoot, 'shop.up'))).toBe(true);
  const status = svcmgr('print', 'status', '--refresh');
  expect(status.stdout).toMatch(new RegExp(`container#0 +\\.\\.\\.\\. up +${m.name}`));
  expect(status.stdout).toMatch(/app#1 +\.\.\.E up +shop/);

  // An edit made inside the guest is pulled back by the next action, never rolled back.
  const inGuest = spawnSync(process.execPath, [join(REPO, 'apps/cli/dist/bin/svcmgr.js'), '-s', 'web', 'set', '--param', 'app#1.comment', '--value', 'edited in the guest'], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', CAPSULE_ROOT: guestRoot, CAPSULE_NODENAME: m.name },
  });
  expect([inGuest.status, inGuest.stderr]).toEqual([0, '']);
  expect(svcmgr('startapp', '--slaves').code).toBe(0);
  expect(await readFile(join(hv, 'etc/capsule/web.conf'), 'utf8')).toContain('comment = edited in the guest');
  expect(await readFile(join(guestRoot, 'etc/capsule/web.conf'), 'utf8')).toContain('comment = edited in the guest');

  const stop = svcmgr('stop');
  expect(stop.code).toBe(0);
  expect(existsSync(join(guestRoot, 'shop.up'))).toBe(false);
  expect(await host.state(m.name)).toBe('poweroff');
  expect(host.sim.calls().filter((l) => l.startsWith('VBoxManage controlvm'))).toEqual([`VBoxManage controlvm ${m.name} acpipowerbutton`]);
}, 120_000);
