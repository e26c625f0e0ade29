import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitFiles } from './index.js';
import { launchdPlist } from './launchd.js';
import { rcdScript } from './rcd.js';
import { smfManifest } from './smf.js';
import { logrotateConf, systemdUnit } from './systemd.js';

// Prefixes a unit must carry as one word: plain, with a space, with what a shell,
// SMF's % tokens or XML would take for syntax.
const PREFIXES = ['/opt/capsule', '/opt/my capsule', "/opt/o'brien 100%", '/opt/a&b<c>"d" $HOME `id`'];

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'capsule-units-'))));
afterEach(() => rm(dir, { recursive: true, force: true }));

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

/** A file's XML as Python's parser reads it: each element's name, attributes and children. */
interface Element {
  tag: string;
  attrs: Record<string, string>;
  children: Element[];
}
function parseXml(file: string): Element {
  const py = `import json, sys, xml.etree.ElementTree as ET
def walk(e): return {"tag": e.tag, "attrs": dict(e.attrib), "children": [walk(c) for c in e]}
print(json.dumps(walk(ET.parse(sys.argv[1]).getroot())))`;
  return JSON.parse(execFileSync('python3', ['-c', py, file], { encoding: 'utf8' })) as Element;
}
const kids = (e: Element, tag: string): Element[] => e.children.filter((c) => c.tag === tag);

/** argv of a command line as sh splits it. */
function shWords(line: string): string[] {
  return execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

/** An SMF exec string after svc.startd's token expansion (smf_method(7)): only %% may appear here. */
function smfExpand(exec: string): string {
  return exec.replace(/%(.?)/g, (_, c: string) => {
    if (c !== '%') throw new Error(`unexpected SMF token %${c} in ${exec}`);
    return '%';
  });
}

describe('SMF manifest', () => {
  test.each(PREFIXES)('prefix %j: well-formed, the elements SMF requires, in the DTD order', async (prefix) => {
    const file = await write('capsule.xml', smfManifest({ prefix }));
    execFileSync('xmllint', ['--noout', file]);
    const bundle = parseXml(file);
    expect(bundle).toMatchObject({ tag: 'service_bundle', attrs: { type: 'manifest' } });
    const [service, ...others] = kids(bundle, 'service');
    expect(others).toEqual([]);
    expect(service!.attrs).toEqual({ name: 'application/capsule/agent', type: 'service', version: '1' });
    // service_bundle.dtd.1: create_default_instance?, single_instance?, restarter?, dependency*, dependent*,
    // method_context?, exec_method*, property_group*, instance*, stability?, template?
    const order = ['create_default_instance', 'single_instance', 'restarter', 'dependency', 'dependent', 'method_context', 'exec_method', 'property_group', 'instance', 'stability', 'template'];
    const tags = service!.children.map((c) => c.tag);
    expect(tags.every((t) => order.includes(t))).toBe(true);
    expect(tags.map((t) => order.indexOf(t))).toEqual([...tags.map((t) => order.indexOf(t))].sort((a, b) => a - b));
    expect(kids(service!, 'create_default_instance')).toEqual([{ tag: 'create_default_instance', attrs: { enabled: 'false' }, children: [] }]);
    for (const m of kids(service!, 'exec_method')) expect(Object.keys(m.attrs).sort()).toEqual(['exec', 'name', 'timeout_seconds', 'type']);
    expect(kids(service!, 'template')[0]!.children[0]!.tag).toBe('common_name');
  });

  test.each(PREFIXES)('prefix %j: start runs PREFIX/bin/nodemgr daemon run as one program word', async (prefix) => {
    const service = kids(parseXml(await write('capsule.xml', smfManifest({ prefix }))), 'service')[0]!;
    const start = kids(service, 'exec_method').find((m) => m.attrs['name'] === 'start')!;
    expect(shWords(smfExpand(start.attrs['exec']!))).toEqual([`${prefix}/bin/nodemgr`, 'daemon', 'run']);
  });

  test('a foreground daemon (duration child), stopped by :kill of its own contract, after the network and local file systems', async () => {
    const service = kids(parseXml(await write('capsule.xml', smfManifest({ prefix: '/opt/capsule' }))), 'service')[0]!;
    const methods = Object.fromEntries(kids(service, 'exec_method').map((m) => [m.attrs['name'], m.attrs]));
    expect(methods['stop']).toEqual({ type: 'method', name: 'stop', exec: ':kill', timeout_seconds: '60' });
    const startd = kids(service, 'property_group').find((g) => g.attrs['name'] === 'startd')!;
    expect(startd.attrs['type']).toBe('framework');
    expect(Object.fromEntries(startd.children.map((p) => [p.attrs['name'], p.attrs['value']]))).toEqual({ duration: 'child', ignore_error: 'core,signal' });
    expect(kids(service, 'dependency').map((d) => [d.attrs['grouping'], d.attrs['restart_on'], d.children.map((f) => f.attrs['value'])])).toEqual([
      ['require_all', 'none', ['svc:/milestone/network:default']],
      ['require_all', 'none', ['svc:/system/filesystem/local:default']],
    ]);
    const env = kids(service, 'method_context')[0]!.children[0]!.children.map((v) => `${v.attrs['name']}=${v.attrs['value']}`);
    expect(env).toEqual(['PATH=/usr/sbin:/usr/bin:/opt/local/bin:/opt/ooce/bin']);
  });
});

describe('rc.d script', () => {
  /** The script run with a stand-in for /etc/rc.subr that does what run_rc_command's start does with command_args (eval), printing argv instead. */
  async function startArgv(prefix: string): Promise<string[]> {
    const stub = await write(
      'rc.subr',
      `load_rc_config() { :; }\nrun_rc_command() { _doit="printf '%s\\\\0' $command $pidfile $command_args"; eval "$_doit"; }\n`,
    );
    const script = await write('capsule', rcdScript({ prefix }).replace('. /etc/rc.subr', `. ${stub}`));
    return execFileSync('sh', [script, 'start'], { encoding: 'utf8' }).split('\0').slice(0, -1);
  }

  test.each(PREFIXES)('prefix %j: sh -n and bash -n pass', async (prefix) => {
    const file = await write('capsule', rcdScript({ prefix }));
    for (const shell of ['sh', 'bash']) execFileSync(shell, ['-n', file]);
  });

  test.each(PREFIXES)('prefix %j: daemon(8) gets PREFIX/bin/nodemgr daemon run, the program one word', async (prefix) => {
    expect(await startArgv(prefix)).toEqual([
      '/usr/sbin/daemon',
      '/var/run/capsule.pid',
      ...['-r', '-f', '-P', '/var/run/capsule.pid', '-o', '/var/log/capsule/agent.log', '-t', 'capsule'],
      `${prefix}/bin/nodemgr`,
      'daemon',
      'run',
    ]);
  });

  test("rc.subr's frame, and a stop that signals the pidfile's pid only: the supervisor's, which forwards SIGTERM to the agent alone", () => {
    const text = rcdScript({ prefix: '/opt/capsule' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    for (const l of ['. /etc/rc.subr', 'name=capsule', 'rcvar=capsule_enable', 'load_rc_config $name', 'run_rc_command "$1"', '# KEYWORD: shutdown']) expect(lines).toContain(l);
    // rc.subr's own stop (kill -TERM $rc_pid): no stop_cmd, no other signal, no process group.
    expect(text).not.toMatch(/stop_cmd|sig_stop|kill -/);
    // The supervisor's pidfile (-P), not the child's (-p): with -r a stop of the child would be undone
    // (the whole argv is checked above).
    expect(text).toMatch(/^pidfile="\/var\/run\/\$\{name\}\.pid"$/m);
  });
});

describe('launchd plist', () => {
  test.each(PREFIXES)('prefix %j: well-formed, and plistlib reads the job', async (prefix) => {
    const file = await write('org.capsule.agent.plist', launchdPlist({ prefix }));
    execFileSync('xmllint', ['--noout', file]);
    const job: unknown = JSON.parse(execFileSync('python3', ['-c', 'import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))', file], { encoding: 'utf8' }));
    expect(job).toEqual({
      Label: 'org.capsule.agent',
      ProgramArguments: [`${prefix}/bin/nodemgr`, 'daemon', 'run'],
      EnvironmentVariables: { PATH: '/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' },
      RunAtLoad: true,
      KeepAlive: true,
      // Stopping the job must not kill what is left in its process group (launchd.plist(5)).
      AbandonProcessGroup: true,
      ExitTimeOut: 60,
      StandardOutPath: '/var/log/capsule/agent.log',
      StandardErrorPath: '/var/log/capsule/agent.log',
    });
  });
});

describe('systemd (linux)', () => {
  // systemd-analyze runs without systemd as init; it fails on a command that is not one executable word.
  test.each(PREFIXES.filter((p) => !/["']/.test(p)))('the unit under %j passes systemd-analyze verify, stops the agent only, needs node.conf', async (prefix) => {
    const root = join(dir, 'x');
    await mkdir(join(root + prefix, 'bin'), { recursive: true });
    await writeFile(join(root + prefix, 'bin/nodemgr'), '#!/bin/sh\n');
    await chmod(join(root + prefix, 'bin/nodemgr'), 0o755);
    const text = systemdUnit({ prefix: root + prefix });
    execFileSync('systemd-analyze', ['verify', '--man=no', await write('capsule.service', text)], { stdio: 'pipe' });
    expect(text).toMatch(/^KillMode=process$/m);
    expect(text).toMatch(/^ConditionPathExists=\/etc\/capsule\/node\.conf$/m);
    expect(text).toMatch(/^Restart=on-failure$/m);
  });

  test.each(PREFIXES.filter((p) => /["']/.test(p)))('a prefix systemd cannot run a program from (%j) is refused, named', (prefix) => {
    expect(() => systemdUnit({ prefix })).toThrow(`systemd cannot run a program from ${JSON.stringify(prefix + '/bin/nodemgr')}`);
  });

  test('logrotate archives by copy and truncation, the agent and every service log', () => {
    const text = logrotateConf();
    expect(text.split('\n')[0]).toBe('/var/log/capsule/*.log /var/lib/capsule/*/log {');
    expect(text).toMatch(/^\tcopytruncate$/m);
  });
});

describe('unitFiles', () => {
  test.each([
    ['sunos', [['share/capsule/smf/capsule.xml', 0o644, '<?xml']]],
    ['freebsd', [['share/capsule/rc.d/capsule', 0o755, '#!/bin/sh']]],
    ['darwin', [['share/capsule/launchd/org.capsule.agent.plist', 0o644, '<?xml']]],
    ['linux', [['share/capsule/systemd/capsule.service', 0o644, '[Unit']]],
    ['win32', []],
  ] as const)('%s ships %j', (platform, expected) => {
    const files = unitFiles(platform, { prefix: '/opt/capsule' });
    expect(files.map((f) => [f.path, f.mode, f.text.slice(0, f.text.startsWith('#!') ? 9 : 5)])).toEqual(expected);
    for (const f of files) expect(f.text).toContain('/opt/capsule/bin/nodemgr');
  });

  test('the plist is named after its Label, as launchd.plist(5) expects', async () => {
    const [plist] = unitFiles('darwin', { prefix: '/opt/capsule' });
    const file = await write('job.plist', plist!.text);
    const label = execFileSync('python3', ['-c', 'import plistlib, sys; print(plistlib.load(open(sys.argv[1], "rb"))["Label"])', file], { encoding: 'utf8' }).trim();
    expect(plist!.path).toBe(`share/capsule/launchd/${label}.plist`);
  });
});
