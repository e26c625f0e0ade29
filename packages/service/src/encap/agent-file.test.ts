import type { Exec } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { mkdtemp, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { agentPayload, agentVersion } from './agent-file.js';

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-agent-file-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

/** An agent file answering `version`, written aside and renamed over as sea.mjs does. */
async function build(file: string, version: string): Promise<void> {
  await writeFile(`${file}.tmp`, `#!/bin/sh\necho '${version}'\n`, { mode: 0o755 });
  await rename(`${file}.tmp`, file);
}

function counting(): { exec: Exec; runs: () => number } {
  let n = 0;
  return { exec: (argv, o) => ((n += 1), localExec(argv, o)), runs: () => n };
}

const unpacked = (input: string) => gunzipSync(Buffer.from(input, 'base64')).toString('utf8');

test('one state of the file is run and compressed once, whatever the number of pushes', async () => {
  const file = join(dir, 'svcmgr');
  await build(file, '0.2.0 guest-agent 0123456789ab');
  const { exec, runs } = counting();
  const first = await agentPayload(exec, file);
  const again = await agentPayload(exec, file);
  expect(again.payload).toBe(first.payload);
  expect(await agentVersion(exec, file)).toBe('0.2.0 guest-agent 0123456789ab');
  expect(runs()).toBe(1);
  expect(unpacked(first.payload.input)).toBe(await readFile(file, 'utf8'));
});

test('a file rebuilt while the daemon runs: the version and the bytes pushed are both the new ones', async () => {
  const file = join(dir, 'svcmgr');
  await build(file, '0.2.0 guest-agent 0123456789ab');
  const { exec } = counting();
  expect(await agentVersion(exec, file)).toBe('0.2.0 guest-agent 0123456789ab');
  await build(file, '0.2.1 guest-agent ba9876543210');
  const { version, payload } = await agentPayload(exec, file);
  expect(version).toBe('0.2.1 guest-agent ba9876543210');
  expect(unpacked(payload.input)).toContain(version);
  expect(payload.bytes).toBe((await readFile(file)).length);
});

test('the same inode rewritten in place (another mtime and size) is another state', async () => {
  const file = join(dir, 'svcmgr');
  await writeFile(file, `#!/bin/sh\necho '0.2.0 guest-agent 0123456789ab'\n`, { mode: 0o755 });
  const { exec } = counting();
  await agentPayload(exec, file);
  await writeFile(file, `#!/bin/sh\necho '0.2.0 guest-agent 0123456789abcd'\n`);
  await utimes(file, new Date(), new Date(Date.now() + 5000));
  const { version, payload } = await agentPayload(exec, file);
  expect(version).toBe('0.2.0 guest-agent 0123456789abcd');
  expect(unpacked(payload.input)).toContain(version);
});
