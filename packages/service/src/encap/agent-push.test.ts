import { systemClock, type Exec, type ExecOptions } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { mkdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { nativeContainer } from '../../test/fixtures/guest.js';
import { resource, service } from '../../test/fixtures/service.js';
import { ensureAgent, pushDecision, pushScript } from './agent-push.js';
import { Guest, type GuestCall } from './guest.js';

const OURS = '0.2.0 guest-agent 0123456789ab';

test.each<[string, Parameters<typeof pushDecision>[0], 'push' | 'keep']>([
  ['no svcmgr in the guest', { found: false }, 'push'],
  ['a pushed copy of another build', { found: true, version: '0.1.0 guest-agent ba9876543210' }, 'push'],
  ['a pushed copy of this build', { found: true, version: OURS }, 'keep'],
  ['capsule installed with Node by the administrator, older', { found: true, version: '0.1.0' }, 'keep'],
  ['an svcmgr that answers something else (OpenSVC)', { found: true, version: '2.1-1917' }, 'keep'],
])('%s: %s', (_what, probe, decision) => {
  expect(pushDecision(probe, OURS)).toBe(decision);
});

describe('the guest side of a push, run by a real sh', () => {
  let dir: string;
  let bin: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capsule-push-'));
    bin = join(dir, 'bin');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const agentScript = (answer: string) => Buffer.from(`#!/bin/sh\necho '${answer}'\n`);
  const push = (file: Buffer, o: { bytes?: number; version?: string; env?: Record<string, string> } = {}) =>
    localExec(['sh', '-c', pushScript(o.bytes ?? file.length, o.version ?? OURS, bin)], { input: gzipSync(file).toString('base64'), env: { PATH: process.env['PATH']!, ...o.env } });

  test('the agent lands as svcmgr, nodemgr and svcmon link to it, nothing left aside', async () => {
    const r = await push(agentScript(OURS));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect((await localExec([join(bin, 'nodemgr'), '--version'])).stdout).toBe(`${OURS}\n`);
    expect((await localExec(['ls', '-A', bin])).stdout.split('\n').filter(Boolean).sort()).toEqual(['nodemgr', 'svcmgr', 'svcmon']);
  });

  test("an administrator's own nodemgr is not replaced by a link", async () => {
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'nodemgr'), 'mine');
    expect((await push(agentScript(OURS))).code).toBe(0);
    expect(await readFile(join(bin, 'nodemgr'), 'utf8')).toBe('mine');
  });

  test.each<[string, { bytes?: number; version?: string; answer?: string; env?: Record<string, string> }, number, RegExp]>([
    ['a short write', { bytes: 10_000 }, 73, /short write/],
    ['a binary that answers another version', { answer: 'something else' }, 74, /it answered: something else/],
    ['no room: df says 10 KiB free', { env: { FAKE_DF: '1' } }, 72, /10 KiB free in .*, 1024 KiB needed/],
  ])('%s: exit %s, the old svcmgr untouched', async (_what, o, code, said) => {
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'svcmgr'), 'old', { mode: 0o755 });
    const env = { ...o.env };
    if (o.env?.['FAKE_DF']) {
      // df on the PATH first, reporting a full filesystem.
      const fake = join(dir, 'fakebin');
      await mkdir(fake);
      await writeFile(join(fake, 'df'), '#!/bin/sh\necho "Filesystem 1024-blocks Used Available Capacity Mounted"\necho "x 100 90 10 90% /"\n');
      await chmod(join(fake, 'df'), 0o755);
      env['PATH'] = `${fake}:${process.env['PATH']!}`;
    }
    const r = await push(agentScript(o.answer ?? OURS), { ...o, env });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(said);
    expect(await readFile(join(bin, 'svcmgr'), 'utf8')).toBe('old');
    expect((await localExec(['ls', '-A', bin])).stdout.trim()).toBe('svcmgr');
  });
});

describe('push_agent = true: the decision made from the guest, once', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capsule-agent-file-'));
    process.env['CAPSULE_GUEST_AGENT'] = join(dir, 'svcmgr');
    await writeFile(join(dir, 'svcmgr'), `#!/bin/sh\necho '${OURS}'\n`, { mode: 0o755 });
  });
  afterAll(async () => {
    delete process.env['CAPSULE_GUEST_AGENT'];
    await rm(dir, { recursive: true, force: true });
  });

  // A guest reached through a native channel: `enter vm1 ARGV...` on the host exec, which plays the guest.
  function guestWith(answers: (argv: readonly string[], o?: ExecOptions) => { code: number; stdout?: string; stderr?: string }, pushAgent = true) {
    const calls: string[] = [];
    const host: Exec = async (argv, o) => {
      const inGuest = argv[0] === 'enter' ? argv.slice(2) : argv;
      calls.push(inGuest[0] === 'sh' ? 'sh -c PUSH' : inGuest.join(' '));
      return { stdout: '', stderr: '', ...answers(inGuest, o) };
    };
    const svcname = `s${Math.random().toString(36).slice(2)}`;
    // A var dir of its own: a failed push is recorded there.
    mkdirSync(join(dir, svcname));
    const svc = service({ encapnodes: ['vm1'], root: dir, varDir: join(dir, svcname), svcname, resources: [resource('container#0', { resource: nativeContainer(), config: { push_agent: pushAgent } })] });
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const call: GuestCall = { runtime: { exec: host, clock: systemClock }, log };
    return { g: new Guest(svc, svc.resources[0]!), call, calls };
  }

  test('no svcmgr: pushed, then the call made again', async () => {
    let pushed = false;
    const { g, call, calls } = guestWith((argv) => {
      if (argv[0] === 'sh') return (pushed = true), { code: 0 };
      if (argv[0] === process.env['CAPSULE_GUEST_AGENT']) return { code: 0, stdout: `${OURS}\n` };
      return pushed ? { code: 0, stdout: '{}' } : { code: 127, stderr: 'sh: svcmgr: not found' };
    });
    expect((await g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).stdout).toBe('{}');
    expect(calls).toEqual(['svcmgr -s ' + g.svc.svcname + ' json status', `${process.env['CAPSULE_GUEST_AGENT']} --version`, 'sh -c PUSH', 'svcmgr -s ' + g.svc.svcname + ' json status']);
  });

  test('an older pushed copy is replaced before the action, and the guest is asked once per process', async () => {
    const { g, call, calls } = guestWith((argv) => (argv[1] === '--version' ? { code: 0, stdout: '0.1.0 guest-agent ba9876543210\n' } : { code: 0 }));
    await ensureAgent(g, call);
    await ensureAgent(g, call);
    expect(calls.filter((x) => !x.startsWith('/'))).toEqual(['svcmgr --version', 'sh -c PUSH']);
  });

  test('without push_agent a missing agent stays GuestAgentMissing, and nothing is probed', async () => {
    const { g, call, calls } = guestWith(() => ({ code: 127 }), false);
    await ensureAgent(g, call);
    await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GuestAgentMissing', hint: expect.stringContaining('push_agent = true') });
    expect(calls).toHaveLength(1);
  });

  test("an administrator's agent needs no guest agent here: nothing built, nothing pushed, no error", async () => {
    const { g, call, calls } = guestWith(() => ({ code: 0, stdout: '0.1.0\n' }));
    process.env['CAPSULE_GUEST_AGENT'] = join(dir, 'nothing');
    try {
      await ensureAgent(g, call);
    } finally {
      process.env['CAPSULE_GUEST_AGENT'] = join(dir, 'svcmgr');
    }
    expect(calls).toEqual(['svcmgr --version']);
  });

  test('a push the guest refuses is GuestAgentPushFailed, saying why', async () => {
    const { g, call } = guestWith((argv) => (argv[0] === 'sh' ? { code: 72, stderr: '10 KiB free in /usr/local/bin, 84000 KiB needed\n' } : argv[1] === '--version' && argv[0] !== 'svcmgr' ? { code: 0, stdout: OURS } : { code: 127 }));
    await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'GuestAgentPushFailed',
      message: 'container#0: cannot push the guest agent into vm1: not enough room in /usr/local/bin (10 KiB free in /usr/local/bin, 84000 KiB needed)',
    });
  });

  test('a failed push is not tried again by the next calls (the daemon asks every few seconds), but an action tries again', async () => {
    let answer = 72;
    const { g, call, calls } = guestWith((argv) => (argv[0] === 'sh' ? { code: answer, stderr: 'no room\n' } : argv[1] === '--version' && argv[0] !== 'svcmgr' ? { code: 0, stdout: OURS } : { code: 127 }));
    const pushes = () => calls.filter((x) => x === 'sh -c PUSH').length;
    await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GuestAgentPushFailed' });
    await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GuestAgentPushFailed', hint: expect.stringContaining('the next start or stop tries again') });
    expect(pushes()).toBe(1);
    answer = 0;
    await ensureAgent(g, call);
    expect(pushes()).toBe(2);
    await expect(readFile(join(g.svc.varDir, 'agent-push-failed.container#0.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('no agent on the hypervisor: GuestAgentNotBuilt, saying how to build one', async () => {
    const { g, call } = guestWith(() => ({ code: 127 }));
    process.env['CAPSULE_GUEST_AGENT'] = join(dir, 'nothing');
    try {
      await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GuestAgentNotBuilt', hint: expect.stringContaining('tooling/bundle/sea.mjs') });
    } finally {
      process.env['CAPSULE_GUEST_AGENT'] = join(dir, 'svcmgr');
    }
  });
});
