// The LXC driver through the conformance suite, on real busybox containers.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { TestContainers, uniqueName } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import driver from '../src/index.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const lxc = new TestContainers();

async function guest(o: { ignoresShutdown?: boolean } = {}): Promise<ConformanceGuest> {
  const ct = await lxc.create({ agent: false });
  // SIGCONT harms no init: the halt request is ignored, as by a hung guest.
  if (o.ignoresShutdown) await appendFile(join(ct.lxcpath, ct.name, 'config'), 'lxc.signal.halt = SIGCONT\n');
  return {
    // The hung guest is named by om3's data_dir, the others by lxcpath: both reach lxc-* -P.
    section: o.ignoresShutdown ? { name: ct.name, data_dir: ct.lxcpath } : { name: ct.name, lxcpath: ct.lxcpath },
    exec: localExec,
    isRunning: async () => (await localExec(['lxc-info', '-P', ct.lxcpath, '-n', ct.name, '-s', '-H'])).stdout.trim() === 'RUNNING',
  };
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  teardown: () => lxc.dispose(),
  guest,
  missingGuest: async () => ({ section: { name: uniqueName('capsule-none-', 24), lxcpath: await lxc.path() }, exec: localExec, isRunning: async () => false }),
  toolMissing: async () => ({ ...(await guest()), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
  // A root filesystem that does not exist: lxc-info answers, lxc-start fails.
  breakTool: async (g) => appendFile(join(g.section['lxcpath']!, g.section['name']!, 'config'), 'lxc.rootfs.path = dir:/nonexistent/capsule\n'),
  // A channel that never runs anything: the container runs, its guest never answers.
  silentGuest: async () => {
    const g = await guest();
    return { ...g, section: { ...g.section, rcmd: 'false' } };
  },
});
