// The driver through capsule's conformance suite, against the stub of
// {{tool}} in test/stub (replace it with the real tool, or a simulator of
// it, once the driver drives the real thing).
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import type { Exec } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import driver from '../src/index.js';
import { STATES } from '../src/state.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const stubDir = fileURLToPath(new URL('./stub/', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), '{{short}}-stub-'));
const env = { CAPSULE_STUB_STATE: stateDir, PATH: `${stubDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}` };
/** Runs commands as on a node with {{tool}} installed: the stub first on PATH. */
const exec: Exec = (argv, o) => localExec(argv, { ...o, env: { ...env, ...o?.env } });
let count = 0;

/** The stub itself, for the fixture; fails the test on a non-zero exit. */
function stub(...args: string[]): void {
  const r = spawnSync(join(stubDir, '{{tool}}'), args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`{{tool}} ${args.join(' ')}: ${r.stderr}`);
}

async function guest(o: { ignoresShutdown?: boolean } = {}): Promise<ConformanceGuest> {
  const name = `ct${++count}`;
  stub('create', name, ...(o.ignoresShutdown ? ['--ignores-shutdown'] : []));
  const isRunning = async () => (await exec(['{{tool}}', 'inspect', name])).stdout.trim() === 'running';
  return { section: { name }, exec, isRunning };
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  teardown: async () => rmSync(stateDir, { recursive: true, force: true }),
  guest,
  missingGuest: async () => ({ section: { name: 'nosuch' }, exec, isRunning: async () => false }),
  toolMissing: async () => ({ ...(await guest()), exec: (argv, o) => localExec(argv, { ...o, env: { PATH: '/nonexistent' } }) }),
  breakTool: async (g) => stub('break', g.section['name']!),
  silentGuest: async () => {
    const g = await guest();
    stub('silence', g.section['name']!);
    return g;
  },
  states: {
    table: STATES,
    readme: new URL('../README.md', import.meta.url),
    put: async (g, word) => stub('set', g.section['name']!, word),
    unknown: 'hibernating',
  },
});
