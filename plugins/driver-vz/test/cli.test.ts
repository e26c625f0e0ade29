// The seed scenario through the real engine on an OpenVZ container (the
// vzctl simulator), the guest reached through the native vzctl exec2
// channel where this repository's capsule agent answers: chained start,
// status folded with E, an edit made in the container kept, stop guest first.
import { REPO_ROOT } from '@capsule/testenv';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VzHosts } from './fixture.js';

const SVCMGR = join(REPO_ROOT, 'apps/cli/dist/bin/svcmgr.js');
const vz = new VzHosts();
let hv: string;
beforeAll(async () => {
  hv = await mkdtemp(join(tmpdir(), 'capsule-vz-cli-'));
});
afterAll(async () => {
  vz.dispose();
  await rm(hv, { recursive: true, force: true });
});

test('chained start into the container agent, status folded with E, a container edit kept, stop guest first', async () => {
  const g = vz.guest();
  const guest = `ct${g.ctid}`;
  const run = (root: string, node: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [SVCMGR, '-s', 'web', ...args], { encoding: 'utf8', env: { ...g.host.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: node, CAPSULE_GUEST_STATUS_TIMEOUT: '20' } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  // The container: this build of svcmgr on its PATH, an app script in its root.
  await mkdir(join(g.root, 'usr/local/bin'), { recursive: true });
  await writeFile(join(g.root, 'usr/local/bin/svcmgr'), `#!/bin/sh\nexec ${process.execPath} ${SVCMGR} "$@"\n`, { mode: 0o755 });
  await mkdir(join(g.root, 'etc/capsule/web.d'), { recursive: true });
  await writeFile(join(g.root, 'etc/capsule/web.d/shop'), `#!/bin/sh\ncase "$1" in\nstart) touch ${g.root}/shop.up ;;\nstop) rm -f ${g.root}/shop.up ;;\nstatus) test -e ${g.root}/shop.up ;;\nesac\n`);
  await chmod(join(g.root, 'etc/capsule/web.d/shop'), 0o755);
  // The hypervisor: its node.conf says where the container configs are.
  await mkdir(join(hv, 'etc/capsule'), { recursive: true });
  await writeFile(join(hv, 'etc/capsule/node.conf'), `[driver.vz]\nconfdir = ${g.settings!['confdir']}\n`);
  await writeFile(
    join(hv, 'etc/capsule/web.conf'),
    `[DEFAULT]\nnodes = hv1\nencapnodes = ${guest}\nnodes@encapnodes = ${guest}\n\n[container#0]\ntype = vz\nname = ${g.ctid}\nhostname = ${guest}\nstart_timeout = 20\nstop_timeout = 10\n\n[app#1]\nscript = shop\ntags = encap\n`,
  );

  const start = run(hv, 'hv1', 'start');
  expect([start.code, start.stderr]).toEqual([0, expect.stringContaining(`vzctl start ${g.ctid}`)]);
  expect(existsSync(join(g.root, 'shop.up'))).toBe(true);
  const status = run(hv, 'hv1', 'print', 'status', '--refresh');
  expect(status.stdout).toMatch(new RegExp(`container#0 +\\.\\.\\.\\. up +${g.ctid}`));
  expect(status.stdout).toMatch(/app#1 +\.\.\.E up +shop/);

  expect(run(g.root, guest, 'set', '--param', 'app#1.comment', '--value', 'edited in the container').code).toBe(0);
  expect(run(hv, 'hv1', 'startapp', '--slaves').code).toBe(0);
  expect(await readFile(join(hv, 'etc/capsule/web.conf'), 'utf8')).toContain('comment = edited in the container');

  const stop = run(hv, 'hv1', 'stop');
  expect([stop.code, existsSync(join(g.root, 'shop.up')), g.host.guest(g.ctid)?.['state']]).toEqual([0, false, 'stopped']);
}, 120_000);
