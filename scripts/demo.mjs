// The main job: a demo service on this machine with an encapsulated LXC
// container. It is created, started (hypervisor level, then the agent in the
// container), its status printed from both levels, stopped, and removed.
import { TestContainers } from '@capsule/testenv';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'capsule-demo-'));
const env = { ...process.env, CAPSULE_ROOT: root, CAPSULE_NODENAME: 'hv1' };
const lxc = new TestContainers();

function run(title, argv, opts = {}) {
  console.log(`\n$ ${title}`);
  const r = spawnSync(argv[0], argv.slice(1), { env, stdio: 'inherit', ...opts });
  if (r.status !== 0 && !opts.mayFail) throw new Error(`${title}: exit ${r.status}`);
}
const svcmgr = (...args) => run(`svcmgr -s demo ${args.join(' ')}`, [join(repo, 'bin/svcmgr'), '-s', 'demo', ...args]);

try {
  const vm = await lxc.create({ bridge: await lxc.bridge(), agent: true });
  const launcher = join(vm.rootfs, 'etc/capsule/demo.d/web');
  mkdirSync(join(launcher, '..'), { recursive: true });
  writeFileSync(launcher, '#!/bin/sh\ncase "$1" in start) httpd -p 8080 -h /srv/www && touch /tmp/web.up;; stop) killall httpd; rm -f /tmp/web.up;; status) [ -e /tmp/web.up ];; esac\n');
  chmodSync(launcher, 0o755);
  const conf = join(root, 'demo.conf');
  writeFileSync(
    conf,
    `# The seed example: one file, read differently on the hypervisor and in the container.
[DEFAULT]
nodes = hv1
encapnodes = ${vm.name}
nodes@encapnodes = ${vm.name}

[container#0]
type = lxc
name = ${vm.name}
lxcpath = ${vm.lxcpath}
stop_timeout = 1

[fs#1]
dev = tmpfs
mnt = ${root}/srv/demo
type = tmpfs

[fs#2]
dev = tmpfs
mnt = /srv/www
type = tmpfs
tags = encap

[app#1]
script = web
tags = encap
`,
  );
  svcmgr('create', '--config', conf);
  svcmgr('validate', 'config');
  svcmgr('get', '--param', 'nodes', '--eval');
  svcmgr('get', '--param', 'nodes', '--eval', '--impersonate', vm.name);
  svcmgr('start');
  svcmgr('print', 'status', '--refresh');
  run(`lxc-attach -n ${vm.name} -- svcmgr -s demo print status`, ['lxc-attach', '-P', vm.lxcpath, '-n', vm.name, '--clear-env', '--', 'svcmgr', '-s', 'demo', 'print', 'status']);
  svcmgr('stop');
  svcmgr('print', 'status');
} finally {
  spawnSync(join(repo, 'bin/svcmgr'), ['-s', 'demo', 'stop'], { env, stdio: 'ignore' });
  await lxc.dispose();
  rmSync(root, { recursive: true, force: true });
}
