import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GUEST_AGENT_PATH, guestAgentCommand, placeGuestAgent } from './guest-agent.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));
let out: string;
beforeAll(async () => (out = await mkdtemp(join(tmpdir(), 'capsule-guest-agent-'))));
afterAll(() => rm(out, { recursive: true, force: true }));

test('the command: sea.mjs from the build, into its lib/guest/svcmgr', () => {
  expect(guestAgentCommand('/src/capsule', '/out/capsule-1.0.0-linux', '/usr/bin/node')).toEqual([
    '/usr/bin/node',
    '/src/capsule/tooling/bundle/sea.mjs',
    '--from',
    '/out/capsule-1.0.0-linux',
    '--out',
    '/out/capsule-1.0.0-linux/lib/guest/svcmgr',
  ]);
});

// A build with one program that prints what it runs as, a resource driver and a container driver.
async function fakeBuild(dir: string): Promise<void> {
  const lib = join(dir, 'lib');
  await mkdir(join(lib, 'cli/dist/bin'), { recursive: true });
  const deps = { '@capsule/resource-app': '1.0.0', '@capsule/driver-lxc': '1.0.0' };
  await writeFile(join(lib, 'cli/package.json'), JSON.stringify({ name: '@capsule/cli', version: '1.2.3', type: 'module', dependencies: deps }));
  for (const prog of ['svcmgr', 'nodemgr', 'svcmon']) {
    await writeFile(
      join(lib, 'cli/dist/bin', `${prog}.js`),
      `import { readFileSync } from 'node:fs';\nconst pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));\nconsole.log(['${prog}', ...process.argv.slice(2), Object.keys(pkg.dependencies).join(',')].join(' '));\n`,
    );
  }
  for (const [name, provides] of [['resource-app', ['app']], ['driver-lxc', ['container.lxc']]] as const) {
    const d = join(lib, 'node_modules/@capsule', name);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'package.json'), JSON.stringify({ name: `@capsule/${name}`, version: '1.0.0', capsule: { provides, platforms: ['linux'] } }));
  }
}

test('a build gets one executable that answers as svcmgr, nodemgr and svcmon, without the container drivers', async () => {
  const build = join(out, 'capsule-1.2.3-linux');
  await fakeBuild(build);
  const bin = placeGuestAgent({ repo: REPO, dir: build }, 'linux')!;
  expect(bin).toBe(join(build, GUEST_AGENT_PATH));
  const root = join(out, 'guest');
  const env = { PATH: '/usr/bin:/bin', CAPSULE_ROOT: root };
  const run = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8', env }).trim();
  // --version is answered before anything is unpacked: the hypervisor asks it before each push decision.
  expect(run(bin, ['--version'])).toMatch(/^1\.2\.3 guest-agent [0-9a-f]{12}$/);
  expect(existsSync(join(root, 'var/lib/capsule/guest-agent'))).toBe(false);
  expect(run(bin, ['-s', 'web', 'print', 'status'])).toBe('svcmgr -s web print status @capsule/resource-app');
  await symlink(bin, join(out, 'nodemgr'));
  expect(run(join(out, 'nodemgr'), ['drivers'])).toBe('nodemgr drivers @capsule/resource-app');
  // Under another name, the first argument says which program.
  await symlink(bin, join(out, 'capsule-guest'));
  expect(run(join(out, 'capsule-guest'), ['svcmon', '--watch'])).toBe('svcmon --watch @capsule/resource-app');
  const build12 = run(bin, ['--version']).split(' ').pop()!;
  const tree = join(root, 'var/lib/capsule/guest-agent', build12);
  expect(existsSync(join(tree, 'node_modules/@capsule/resource-app/package.json'))).toBe(true);
  expect(existsSync(join(tree, 'node_modules/@capsule/driver-lxc'))).toBe(false);
  expect(JSON.parse(readFileSync(join(tree, 'cli/package.json'), 'utf8')).dependencies).toEqual({ '@capsule/resource-app': '1.0.0' });
}, 60_000);

test('the push\'s trial run unpacks and loads the CLI: a guest where the tree cannot be written fails it; a cleanup race does not fail a run', async () => {
  const build = join(out, 'capsule-1.2.3-selftest-linux');
  await fakeBuild(build);
  const bin = placeGuestAgent({ repo: REPO, dir: build }, 'linux')!;
  const run = (root: string, args: string[]) => spawnSync(bin, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', CAPSULE_ROOT: root } });
  // A read-only /var as a guest may have it (root writes through a mode, so a file where the directory goes).
  const readOnly = join(out, 'guest-ro');
  await mkdir(join(readOnly, 'var/lib/capsule'), { recursive: true });
  await writeFile(join(readOnly, 'var/lib/capsule/guest-agent'), '');
  expect(run(readOnly, ['--version']).status).toBe(0);
  expect(run(readOnly, ['--self-test'])).toMatchObject({ status: 70, stderr: expect.stringContaining('cannot unpack') });
  // A leftover of another run that is gone by the time it is looked at (here: a dangling link) is no failure of the run that unpacked.
  const root = join(out, 'guest-race');
  await mkdir(join(root, 'var/lib/capsule/guest-agent'), { recursive: true });
  await symlink(join(root, 'gone'), join(root, 'var/lib/capsule/guest-agent/000000000000.tmp-abc'));
  expect(run(root, ['--self-test'])).toMatchObject({ status: 0, stdout: 'svcmgr --version @capsule/resource-app\n' });
}, 60_000);

test('made elsewhere than on linux, a build has no guest agent: the node copied would be that machine\'s', () => {
  expect(placeGuestAgent({ repo: REPO, dir: join(out, 'nothing') }, 'darwin')).toBeUndefined();
});

test('what is not a per-platform build is refused, saying how to make one', async () => {
  const r = spawnSync(process.execPath, guestAgentCommand(REPO, join(out, 'nothing')).slice(1), { encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('is not a per-platform build (no lib/cli/dist/bin/svcmgr.js): run pnpm dist --platform linux first');
});
