// The KVM driver through the conformance suite, on real QEMU guests (software
// emulation): guests with an sshd and a read-only capsule disk, reached over
// the ssh2 transport; live migration to a second libvirtd on this machine.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { TestLibvirtPeer, TestVms, TEST_URI, type TestVm } from '@capsule/testenv';
import { localExec, SshSessions } from '@capsule/transport';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const vms = new TestVms();
let dir: string;
let ssh: SshSessions;
let peer: TestLibvirtPeer;

const domstate = async (exec: typeof localExec, vm: TestVm) => (await exec(['virsh', '-c', TEST_URI, 'domstate', vm.name])).stdout.trim();

async function guest(o: { ignoresShutdown?: boolean } = {}): Promise<ConformanceGuest> {
  const vm = await vms.define({ hostname: 'vm1', shutdown: o.ignoresShutdown ? 'ignore' : 'obey', agent: { authorizedKey: (await readFile(join(dir, 'id.pub'), 'utf8')).trim() } });
  await appendFile(join(dir, 'known_hosts'), `${vm.knownHostsLine}\n`);
  return {
    section: { name: vm.name, uri: vm.uri, address: vm.address!, start_timeout: '120', stop_timeout: '60' },
    settings: { migrate_uri: peer.uri, migrate_data_uri: 'tcp://127.0.0.1' },
    exec: localExec,
    ssh,
    isRunning: async () => (await domstate(localExec, vm)) === 'running',
  };
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  testTimeoutMs: 240_000,
  setup: async () => {
    dir = await mkdtemp(join(tmpdir(), 'capsule-kvmc-'));
    await localExec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
    await writeFile(join(dir, 'known_hosts'), '');
    ssh = new SshSessions({ identityFile: join(dir, 'id'), knownHosts: join(dir, 'known_hosts'), connectTimeoutMs: 2000 });
    // This host's libvirtd first: the peer's own libvirtd would pass for it.
    await vms.libvirt();
    peer = await TestLibvirtPeer.start();
  },
  teardown: async () => {
    await ssh?.close();
    await peer?.dispose();
    await vms.dispose();
    await rm(dir, { recursive: true, force: true });
  },
  guest,
  missingGuest: async () => ({ section: { name: 'capsule-vm-none', uri: TEST_URI }, exec: localExec, isRunning: async () => false }),
  toolMissing: async () => ({ section: { name: 'capsule-vm-none', uri: TEST_URI }, exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }), isRunning: async () => false }),
  // A kernel that does not exist: virsh start fails with libvirt's own words, the domain stays shut off.
  breakTool: async (g) => {
    const name = g.section['name']!;
    const xml = (await localExec(['virsh', '-c', TEST_URI, 'dumpxml', '--inactive', name])).stdout.replace(/<kernel>[^<]*<\/kernel>/, '<kernel>/nonexistent/capsule-vmlinuz</kernel>');
    const f = join(dir, `${name}.xml`);
    await writeFile(f, xml);
    const r = await localExec(['virsh', '-c', TEST_URI, 'define', f]);
    if (r.code !== 0) throw new Error(r.stderr);
  },
  // The states a QEMU domain holds until told otherwise, set with virsh itself.
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    put: async (g, word) => {
      const virsh = async (...args: string[]) => {
        const r = await localExec(['virsh', '-c', TEST_URI, ...args, g.section['name']!]);
        if (r.code !== 0) throw new Error(`virsh ${args.join(' ')}: ${r.stderr}`);
      };
      if (word === 'shut off') return;
      await virsh('start');
      if (word === 'paused') await virsh('suspend');
    },
    unreachable: {
      idle: 'the QEMU driver never reports VIR_DOMAIN_BLOCKED',
      crashed: 'needs a guest kernel panic with on_crash = preserve and a pvpanic device',
      pmsuspended: 'needs a guest agent that suspends the guest (dompmsuspend)',
      'in shutdown': 'passes while the guest powers off',
      'no state': 'not reported by the QEMU driver',
    },
  },
  // No agent: the domain runs, but nothing answers at the TEST-NET-3 address.
  silentGuest: async () => {
    const vm = await vms.define();
    return { section: { name: vm.name, uri: vm.uri, address: '203.0.113.254' }, exec: localExec, ssh, isRunning: async () => (await domstate(localExec, vm)) === 'running' };
  },
  peer: async (g) => ({
    node: 'hv2',
    exec: peer.exec,
    isRunningThere: async () => (await peer.exec(['virsh', '-c', TEST_URI, 'domstate', g.section['name']!])).stdout.trim() === 'running',
  }),
});
