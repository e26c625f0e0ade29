// The Podman driver through capsule's conformance suite, on real Podman:
// busybox containers made from a locally imported image, every one removed
// with the image at the end, failed or not.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { localExec } from '@capsule/transport';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';
import { podmanState, sh, TestPodman, uniqueName } from './podman.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const podman = new TestPodman();

/** A stopped container; its /mnt/vol is a host directory, which breakTool removes (podman start then fails). */
async function guest(o: { ignoresShutdown?: boolean; args?: string[] } = {}): Promise<ConformanceGuest> {
  const vol = join(await podman.tmp(), uniqueName('vol-'));
  await mkdir(vol);
  const name = await podman.create({ ignoresShutdown: o.ignoresShutdown, args: ['-v', `${vol}:/mnt/vol`, ...(o.args ?? [])] });
  return { section: { name }, exec: localExec, isRunning: async () => (await podmanState(name)) === 'running' };
}

const volumeOf = async (name: string) => JSON.parse(await sh('podman', 'container', 'inspect', '--format', '{{json .Mounts}}', name))[0].Source as string;

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  teardown: () => podman.dispose(),
  guest,
  missingGuest: async () => ({ section: { name: uniqueName('capsule-none-') }, exec: localExec, isRunning: async () => false }),
  toolMissing: async () => ({ ...(await guest()), exec: (argv, o) => localExec(argv, { ...o, env: { ...o?.env, PATH: '/nonexistent' } }) }),
  // The bind mount's source gone: inspect answers, podman start fails with the runtime's words.
  breakTool: async (g) => rm(await volumeOf(g.section['name']!), { recursive: true }),
  // A container whose PATH has nothing: it runs, and podman exec finds no command in it.
  silentGuest: () => guest({ args: ['--env', 'PATH=/nowhere'] }),
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    put: async (g, word) => {
      const name = g.section['name']!;
      if (word === 'created') return;
      if (word === 'initialized') return void (await sh('podman', 'init', name));
      await sh('podman', 'start', name);
      if (word === 'paused') await sh('podman', 'pause', name);
      if (word === 'exited') await sh('podman', 'stop', '--time', '0', name);
    },
    unreachable: {
      stopped: 'lasts only until conmon has cleaned the container up (exited)',
      stopping: 'lasts only while podman stop runs',
      removing: 'lasts only while podman rm runs',
      unknown: 'an error state of libpod, no command puts a container there',
    },
    // No `unknown` word: podman prints only the words of its own ContainerStatus.String().
  },
});
