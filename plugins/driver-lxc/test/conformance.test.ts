// The LXC driver through the conformance suite, on real busybox containers.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { TestContainers, uniqueName } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';

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

/** Runs an lxc tool on the guest's container, failing the test on a non-zero exit. */
async function lxcTool(g: ConformanceGuest, tool: string, ...args: string[]): Promise<void> {
  const r = await localExec([tool, '-n', g.section['name']!, '-P', g.section['lxcpath']!, ...args]);
  if (r.code !== 0) throw new Error(`${tool}: ${r.stderr}`);
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  teardown: () => lxc.dispose(),
  guest,
  missingGuest: async () => ({ section: { name: uniqueName('capsule-none-', 24), lxcpath: await lxc.path() }, exec: localExec, isRunning: async () => false }),
  toolMissing: async () => ({ ...(await guest()), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
  // A root filesystem that does not exist: lxc-info answers, lxc-start fails.
  breakTool: async (g) => appendFile(join(g.section['lxcpath']!, g.section['name']!, 'config'), 'lxc.rootfs.path = dir:/nonexistent/capsule\n'),
  // The states real LXC holds until told otherwise; the others pass in an instant.
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    put: async (g, word) => {
      if (word === 'STOPPED') return;
      await lxcTool(g, 'lxc-start', '-d');
      await lxcTool(g, 'lxc-wait', '-s', 'RUNNING', '-t', '30');
      if (word === 'FROZEN') await lxcTool(g, 'lxc-freeze');
    },
    unreachable: {
      FREEZING: 'passes while the cgroup freezes, no tool holds it there',
      THAWED: 'a monitor event: lxc-info reports RUNNING once thawed',
      STARTING: 'passes while lxc-start runs',
      STOPPING: 'passes while the container halts',
      ABORTING: 'passes while a failed start is torn down',
    },
  },
  // A channel that never runs anything: the container runs, its guest never answers.
  silentGuest: async () => {
    const g = await guest();
    return { ...g, section: { ...g.section, rcmd: 'false' } };
  },
});
