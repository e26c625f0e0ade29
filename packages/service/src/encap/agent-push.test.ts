import { CapsuleError, systemClock, type Exec, type ExecOptions } from '@capsule/core';
import { localExec } from '@capsule/transport';
import { mkdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import { nativeContainer } from '../../test/fixtures/guest.js';
import { resource, service } from '../../test/fixtures/service.js';
import { compareVersions, ensureAgent, pushDecision, pushScript } from './agent-push.js';
import { Guest, type GuestCall } from './guest.js';

const OURS = '0.2.0 guest-agent 0123456789ab';

test.each<[string, Parameters<typeof pushDecision>[0], 'push' | 'keep']>([
  ['no svcmgr in the guest', { found: false }, 'push'],
  ['a pushed copy of an older version', { found: true, version: '0.1.0 guest-agent ba9876543210' }, 'push'],
  ['a pushed copy of an older version, ordered as numbers', { found: true, version: '0.1.10 guest-agent ba9876543210' }, 'push'],
  ['a pushed copy of a pre-release of this version', { found: true, version: '0.2.0-rc.2 guest-agent ba9876543210' }, 'push'],
  ['a pushed copy of this version, another build (rebuilt: nothing says which is newer)', { found: true, version: '0.2.0 guest-agent ba9876543210' }, 'push'],
  ['a pushed copy of this build', { found: true, version: OURS }, 'keep'],
  ['a pushed copy of a later version (a newer hypervisor, mid rolling upgrade)', { found: true, version: '0.10.0 guest-agent ba9876543210' }, 'keep'],
  ['a pushed copy of a later patch', { found: true, version: '0.2.1 guest-agent ba9876543210' }, 'keep'],
  ['a pushed copy whose version is not one', { found: true, version: 'x.y guest-agent ba9876543210' }, 'push'],
  ['capsule installed with Node by the administrator, older', { found: true, version: '0.1.0' }, 'keep'],
  ['an svcmgr that answers something else (OpenSVC)', { found: true, version: '2.1-1917' }, 'keep'],
])('%s: %s', (_what, probe, decision) => {
  expect(pushDecision(probe, OURS)).toBe(decision);
});

test.each<[string, string, number]>([
  ['1.2.3', '1.2.3', 0],
  ['1.2.3', '1.10.0', -1],
  ['2.0.0', '1.99.99', 1],
  ['1.0.0-rc.1', '1.0.0', -1],
  ['1.0.0-rc.2', '1.0.0-rc.10', -1],
  ['1.0.0-beta', '1.0.0-alpha', 1],
  ['1.0.0-rc', '1.0.0-rc.1', -1],
])('compareVersions(%s, %s) is %s', (a, b, order) => {
  expect(compareVersions(a, b)).toBe(order);
  expect(compareVersions(b, a)).toBe(-order || 0);
});

describe('the guest side of a push, run by a real sh', () => {
  let dir: string;
  let bin: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capsule-push-'));
    bin = join(dir, 'bin');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const agentScript = (answer: string, selfTest = 'exit 0') => Buffer.from(`#!/bin/sh\n[ "$1" = --self-test ] && { ${selfTest}; }\necho '${answer}'\n`);
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

  test.each<[string, { bytes?: number; version?: string; answer?: string; selfTest?: string; env?: Record<string, string> }, number, RegExp]>([
    ['a short write', { bytes: 10_000 }, 73, /short write/],
    ['a binary that answers another version', { answer: 'something else' }, 74, /it answered: something else/],
    ['no room: df says 10 KiB free', { env: { FAKE_DF: '1' } }, 72, /10 KiB free in .*, 1024 KiB needed/],
    ['a binary that answers its version but cannot unpack there (read-only /var)', { selfTest: 'echo "cannot unpack into /var/lib/capsule/guest-agent: EROFS" >&2; exit 70' }, 74, /cannot unpack into .*EROFS/],
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
    const r = await push(agentScript(o.answer ?? OURS, o.selfTest), { ...o, env });
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
  type Answer = { code: number; stdout?: string; stderr?: string };
  function guestWith(answers: (argv: readonly string[], o?: ExecOptions) => Answer | Promise<Answer>, pushAgent = true) {
    const calls: string[] = [];
    const host: Exec = async (argv, o) => {
      const inGuest = argv[0] === 'enter' ? argv.slice(2) : argv;
      calls.push(inGuest[0] === 'sh' ? 'sh -c PUSH' : inGuest.join(' '));
      return { stdout: '', stderr: '', ...(await answers(inGuest, o)) };
    };
    const svcname = `s${Math.random().toString(36).slice(2)}`;
    // A var dir of its own: a failed push is recorded there.
    mkdirSync(join(dir, svcname));
    const svc = service({ encapnodes: ['vm1'], root: dir, varDir: join(dir, svcname), svcname, resources: [resource('container#0', { resource: nativeContainer(), config: { push_agent: pushAgent } })] });
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const call: GuestCall = { runtime: { exec: host, clock: systemClock }, log };
    return { g: new Guest(svc, svc.resources[0]!), call, calls };
  }

  const AGENT = () => process.env['CAPSULE_GUEST_AGENT']!;
  const pushes = (calls: string[]) => calls.filter((x) => x === 'sh -c PUSH').length;

  test('a status never pushes: a missing agent is GuestAgentMissing saying that a start pushes it', async () => {
    const { g, call, calls } = guestWith(() => ({ code: 127, stderr: 'sh: svcmgr: not found' }));
    for (let i = 0; i < 3; i++) {
      await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GuestAgentMissing', hint: expect.stringContaining('the next start or stop of ' + g.svc.svcname + ' pushes') });
    }
    expect(calls).toEqual(Array(3).fill(`svcmgr -s ${g.svc.svcname} json status`));
  });

  test('an action pushes into a guest without svcmgr, and checks that the guest answers with it', async () => {
    let pushed = false;
    const { g, call, calls } = guestWith((argv) => {
      if (argv[0] === 'sh') return (pushed = true), { code: 0 };
      if (argv[0] === AGENT()) return { code: 0, stdout: `${OURS}\n` };
      return pushed ? { code: 0, stdout: `${OURS}\n` } : { code: 127, stderr: 'sh: svcmgr: not found' };
    });
    await ensureAgent(g, call);
    await ensureAgent(g, call);
    expect(calls).toEqual(['svcmgr --version', `${AGENT()} --version`, 'sh -c PUSH', 'svcmgr --version']);
  });

  test('an older pushed copy is replaced before the action, and the guest is asked once per process', async () => {
    let pushed = false;
    const { g, call, calls } = guestWith((argv) => (argv[0] === 'sh' ? ((pushed = true), { code: 0 }) : argv[1] === '--version' ? { code: 0, stdout: pushed || argv[0] !== 'svcmgr' ? `${OURS}\n` : '0.1.0 guest-agent ba9876543210\n' } : { code: 0 }));
    await ensureAgent(g, call);
    await ensureAgent(g, call);
    expect(calls.filter((x) => !x.startsWith('/'))).toEqual(['svcmgr --version', 'sh -c PUSH', 'svcmgr --version']);
  });

  test("a newer hypervisor's copy is kept (rolling upgrade): nothing pushed", async () => {
    const { g, call, calls } = guestWith((argv) => (argv[1] === '--version' ? { code: 0, stdout: argv[0] === 'svcmgr' ? '0.3.0 guest-agent ba9876543210\n' : `${OURS}\n` } : { code: 0 }));
    await ensureAgent(g, call);
    expect(pushes(calls)).toBe(0);
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
    await expect(ensureAgent(g, call)).rejects.toMatchObject({
      code: 'GuestAgentPushFailed',
      message: 'container#0: cannot push the guest agent into vm1: not enough room in /usr/local/bin (10 KiB free in /usr/local/bin, 84000 KiB needed)',
    });
  });

  describe('a failed push of any kind is recorded: the daemon does not push again for 10 minutes, a start by hand does', () => {
    afterEach(() => delete process.env['CAPSULE_ORIGIN']);
    test.each<[string, (argv: readonly string[]) => Answer | Promise<never>, RegExp]>([
      ['the guest refuses it (no room)', (argv) => (argv[0] === 'sh' ? { code: 72, stderr: 'no room\n' } : { code: 127 }), /not enough room/],
      ['a lying guest: exit 0 to the push, still no svcmgr', (argv) => (argv[0] === 'sh' ? { code: 0 } : { code: 127 }), /which still has no svcmgr/],
      ['a guest that answers another svcmgr after the push', (argv) => (argv[0] === 'sh' ? { code: 0 } : { code: 0, stdout: '0.0.1 guest-agent 000000000000\n' }), /still answers 0\.0\.1 guest-agent 000000000000 as svcmgr/],
      ['the push times out', (argv) => (argv[0] === 'sh' ? Promise.reject(new CapsuleError('ExecTimeout', 'timed out', { hint: 'x' })) : { code: 127 }), /did not answer within 300s/],
      ['the guest is unreachable', (argv) => (argv[0] === 'sh' ? Promise.reject(new CapsuleError('SshDisconnected', 'connection lost', { hint: 'x' })) : { code: 127 }), /is unreachable: connection lost/],
    ])('%s', async (_what, guest, said) => {
      const { g, call, calls } = guestWith((argv) => (argv[0] === AGENT() ? { code: 0, stdout: `${OURS}\n` } : guest(argv)));
      process.env['CAPSULE_ORIGIN'] = 'daemon of hv1: placement';
      await expect(ensureAgent(g, call)).rejects.toMatchObject({ message: expect.stringMatching(said) });
      expect(pushes(calls)).toBe(1);
      const record = JSON.parse(await readFile(join(g.svc.varDir, 'agent-push-failed.container#0.json'), 'utf8')) as { message: string };
      expect(record.message).toMatch(said);
      // The daemon's next start, and any status meanwhile: no push; the status says the last push failed.
      await expect(ensureAgent(g, call)).rejects.toMatchObject({ code: 'GuestAgentPushFailed', hint: expect.stringContaining('a start or stop run by hand tries at once') });
      expect(pushes(calls)).toBe(1);
      if (!/svcmgr/.test(said.source)) await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: expect.stringMatching(/^Guest/), hint: expect.stringContaining('the last push failed') });
      expect(pushes(calls)).toBe(1);
      // By hand: tried at once.
      delete process.env['CAPSULE_ORIGIN'];
      await expect(ensureAgent(g, call)).rejects.toMatchObject({ message: expect.stringMatching(said) });
      expect(pushes(calls)).toBe(2);
    });

    test('a push that works removes the record', async () => {
      let answer = 72;
      let pushed = false;
      const { g, call } = guestWith((argv) => (argv[0] === 'sh' ? ((pushed = answer === 0), { code: answer, stderr: 'no room\n' }) : argv[0] === AGENT() || pushed ? { code: 0, stdout: `${OURS}\n` } : { code: 127 }));
      await expect(ensureAgent(g, call)).rejects.toMatchObject({ code: 'GuestAgentPushFailed' });
      answer = 0;
      await ensureAgent(g, call);
      await expect(readFile(join(g.svc.varDir, 'agent-push-failed.container#0.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  test('a guest reached through the QEMU guest agent cannot carry the agent: GuestAgentPushUnsupported, nothing read or sent', async () => {
    const virsh: string[] = [];
    const host: Exec = async (argv) => {
      if (argv[0] === AGENT()) return { code: 0, stdout: `${OURS}\n`, stderr: '' };
      virsh.push(argv.at(-1)!);
      // The guest agent cannot find svcmgr.
      return { code: 1, stdout: '', stderr: "error: internal error: unable to execute QEMU agent command 'guest-exec': Failed to execute child process “svcmgr” (No such file or directory)\n" };
    };
    const svcname = `s${Math.random().toString(36).slice(2)}`;
    mkdirSync(join(dir, svcname));
    const qga = { ...nativeContainer(), guestChannel: () => ({ kind: 'qga' as const, uri: 'qemu:///system', domain: 'vm1' }) };
    const svc = service({ encapnodes: ['vm1'], root: dir, varDir: join(dir, svcname), svcname, resources: [resource('container#0', { resource: qga, config: { push_agent: true } })] });
    const g = new Guest(svc, svc.resources[0]!);
    const call: GuestCall = { runtime: { exec: host, clock: systemClock }, log: { info: () => undefined, warn: () => undefined, error: () => undefined } };
    await expect(ensureAgent(g, call)).rejects.toMatchObject({ code: 'GuestAgentPushUnsupported', hint: expect.stringContaining('qga = false') });
    expect(virsh.filter((r) => r.includes('"path":"sh"'))).toEqual([]);
    // A status says the same, not that a start would push.
    await expect(g.agent(call, ['json', 'status'], { timeoutMs: 1000 })).rejects.toMatchObject({ code: 'GuestAgentMissing', hint: expect.stringContaining('the QEMU guest agent') });
  });

  test('the agent file rebuilt while the daemon runs: the push carries the version of the bytes it sends', async () => {
    const sent: Array<{ script: string; file: string }> = [];
    const answers = (argv: readonly string[], o?: ExecOptions): Answer => {
      if (argv[0] === 'sh') return sent.push({ script: argv[2]!, file: gunzipSync(Buffer.from(String(o?.input), 'base64')).toString('utf8') }), { code: 0 };
      if (argv[0] === AGENT()) return { code: 0, stdout: execFileSync(AGENT(), ['--version'], { encoding: 'utf8' }) };
      return sent.length ? { code: 0, stdout: /echo '([^']*)'/.exec(sent.at(-1)!.file)![1] } : { code: 127 };
    };
    const first = guestWith(answers);
    await ensureAgent(first.g, first.call);
    await writeFile(join(dir, 'svcmgr.new'), `#!/bin/sh\necho '0.2.1 guest-agent ba9876543210'\n`, { mode: 0o755 });
    await rename(join(dir, 'svcmgr.new'), join(dir, 'svcmgr'));
    sent.length = 0;
    const second = guestWith(answers);
    await ensureAgent(second.g, second.call);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.file).toContain('0.2.1 guest-agent ba9876543210');
    expect(sent[0]!.script).toContain(`[ "$v" = '0.2.1 guest-agent ba9876543210' ]`);
    await writeFile(join(dir, 'svcmgr'), `#!/bin/sh\necho '${OURS}'\n`, { mode: 0o755 });
  });

  test('no agent on the hypervisor: GuestAgentNotBuilt, saying how to build one', async () => {
    const { g, call } = guestWith(() => ({ code: 127 }));
    process.env['CAPSULE_GUEST_AGENT'] = join(dir, 'nothing');
    try {
      await expect(ensureAgent(g, call)).rejects.toMatchObject({ code: 'GuestAgentNotBuilt', hint: expect.stringContaining('tooling/bundle/sea.mjs') });
    } finally {
      process.env['CAPSULE_GUEST_AGENT'] = join(dir, 'svcmgr');
    }
  });
});
