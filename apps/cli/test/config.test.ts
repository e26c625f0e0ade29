import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from './cli.js';

const SEED = `# the seed example
[DEFAULT]
nodes = hv1 hv2
encapnodes = vm1
nodes@encapnodes = vm1

[container#0]
type = lxc
name = vm1
`;

let root: string;
let conf: string;
const env = (node = 'hv1') => ({ CAPSULE_ROOT: root, CAPSULE_NODENAME: node });

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'capsule-cfg-'));
  await mkdir(join(root, 'etc/capsule'), { recursive: true });
  conf = join(root, 'etc/capsule/web1.conf');
  await writeFile(conf, SEED);
});
afterEach(() => rm(root, { recursive: true, force: true }));

test.each([
  ['hv1', 'hv1 hv2'],
  ['vm1', 'vm1'],
])('the seed header read on %s gives nodes = %s', (node, nodes) => {
  const r = cli('svcmgr', ['-s', 'web1', 'get', '--param', 'nodes', '--eval'], env(node));
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`${nodes}\n`);
  expect(cli('svcmgr', ['-s', 'web1', 'print', 'config', '--eval'], env(node)).stdout).toContain(`[DEFAULT]\nnodes = ${nodes}\n`);
});

test('the hypervisor reads the guest view with --impersonate', () => {
  expect(cli('svcmgr', ['-s', 'web1', 'get', '--param', 'nodes', '--eval', '--impersonate', 'vm1'], env('hv1')).stdout).toBe('vm1\n');
});

test('validate config accepts the seed and reports every problem of a broken file', async () => {
  expect(cli('svcmgr', ['-s', 'web1', 'validate', 'config'], env())).toMatchObject({ code: 0, stdout: `${conf}: valid\n` });
  await writeFile(conf, `${SEED}nodez = x\n[container#1]\ntype = hyperv\nname = v2\n[DEFAULT\n`);
  const r = cli('svcmgr', ['-s', 'web1', 'validate_config'], env());
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${conf}:10: container#0.nodez: warning: unknown keyword "nodez", ignored`);
  // No package of that name exists: the hint says there is no such driver rather than naming one.
  expect(r.stderr).toContain(`${conf}:12: container#1.type: warning: no installed driver provides container type "hyperv"\n  hint: no capsule driver exists for container type "hyperv": a third-party driver providing container.hyperv goes in ${root}/usr/lib/capsule/drivers`);
  expect(r.stderr).not.toContain('@capsule/driver-hyperv');
  expect(r.stderr).toContain(`${conf}:14: unterminated section header`);
});

test('set keeps comments and untouched lines, and refuses an invalid value without writing', async () => {
  expect(cli('svcmgr', ['-s', 'web1', 'set', '--param', 'container#0.start_timeout', '--value', '2m'], env()).code).toBe(0);
  expect(await readFile(conf, 'utf8')).toBe(SEED + 'start_timeout = 2m\n');
  const r = cli('svcmgr', ['-s', 'web1', 'set', '--param', 'container#0.start_timeout', '--value', 'soon'], env());
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/the change was not written:\n.*web1\.conf:10: container#0\.start_timeout: expected a duration/);
  expect(await readFile(conf, 'utf8')).toBe(SEED + 'start_timeout = 2m\n');
  expect(cli('svcmgr', ['-s', 'web1', 'get', '--param', 'container#0.start_timeout', '--eval', '--format', 'json'], env()).stdout).toBe('120\n');
  expect(cli('svcmgr', ['-s', 'web1', 'unset', '--param', 'container#0.start_timeout'], env()).code).toBe(0);
  expect(await readFile(conf, 'utf8')).toBe(SEED);
});

test('create installs a valid file and never an empty or invalid one', async () => {
  const src = join(root, 'new.conf');
  await writeFile(src, '');
  expect(cli('svcmgr', ['-s', 'web2', 'create', '--config', src], env()).stderr).toMatch(/refusing to install an empty configuration/);
  await writeFile(src, '[DEFAULT]\ncluster_type = farm\n');
  expect(cli('svcmgr', ['-s', 'web2', 'create', '--config', src], env()).code).toBe(1);
  await expect(stat(join(root, 'etc/capsule/web2.conf'))).rejects.toThrow();
  await writeFile(src, SEED);
  expect(cli('svcmgr', ['-s', 'web2', 'create', '--config', src], env()).code).toBe(0);
  expect(await readFile(join(root, 'etc/capsule/web2.conf'), 'utf8')).toBe(SEED);
});

const MISTYPED = `[DEFAULT]\nnodes = hv1\n\n[ip#1]\nipname = 198.51.100.5\nipdve = eth0\n\n[app#1]\ntimeout = soon\n`;
/** What a refusal of MISTYPED in `file` says: each error once with its hint, then the warning that explains the first. */
const refusal = (file: string) =>
  `${file}:4: ip#1.ipdev: missing required keyword ipdev\n  hint: the interface the address is added to; INTF:N forces the alias label\n` +
  `${file}:9: app#1.timeout: expected a duration like 30, 30s, 5m or 1h30m, got "soon"\n  hint: seconds a start or stop may take before it is killed\n` +
  `${file}:6: ip#1.ipdve: warning: unknown keyword "ipdve", ignored\n  hint: did you mean "ipdev"?\n` +
  `  hint: fix the lines named above\n`;

test('a refused create says each hint once, and the warning that explains its error', async () => {
  const src = join(root, 'mistyped.conf');
  await writeFile(src, MISTYPED);
  const r = cli('svcmgr', ['-s', 'web2', 'create', '--config', src], env());
  expect(r).toMatchObject({ code: 1, stdout: '' });
  expect(r.stderr).toBe(`error: ${src} was not installed:\n${refusal(src)}`);
  await expect(stat(join(root, 'etc/capsule/web2.conf'))).rejects.toThrow();
});

test('a refused edit config says each hint once, and the warning that explains its error', async () => {
  const editor = join(root, 'editor.sh');
  await writeFile(editor, `#!/bin/sh\nprintf '%s' "$TEXT" > "$1"\n`, { mode: 0o755 });
  const r = cli('svcmgr', ['-s', 'web1', 'edit', 'config'], { ...env(), EDITOR: editor, TEXT: MISTYPED });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`${conf} is unchanged; your edit is kept in ${join(root, 'var/lib/capsule/web1/rejected-edit.conf')}\nerror: ${refusal(conf)}`);
});

test('edit config installs a valid edit and keeps a rejected one aside', async () => {
  const editor = join(root, 'editor.sh');
  await writeFile(editor, '#!/bin/sh\necho "$NEWLINE" >> "$1"\n', { mode: 0o755 });
  expect(cli('svcmgr', ['-s', 'web1', 'edit', 'config'], { ...env(), EDITOR: editor, NEWLINE: 'stop_timeout = 5' }).code).toBe(0);
  expect(await readFile(conf, 'utf8')).toBe(`${SEED}stop_timeout = 5\n`);
  const r = cli('svcmgr', ['-s', 'web1', 'edit', 'config'], { ...env(), EDITOR: editor, NEWLINE: 'stop_timeout = never' });
  expect(r.code).toBe(1);
  expect(await readFile(conf, 'utf8')).toBe(`${SEED}stop_timeout = 5\n`);
  expect(await readFile(join(root, 'var/lib/capsule/web1/rejected-edit.conf'), 'utf8')).toContain('stop_timeout = never');
});

test('print config mtime follows the file', async () => {
  const m = Number(cli('svcmgr', ['-s', 'web1', 'print', 'config', 'mtime'], env()).stdout);
  expect(m).toBe((await stat(conf)).mtimeMs);
});

test('a missing service is one clear error', () => {
  const r = cli('svcmgr', ['-s', 'nope', 'print', 'config'], env());
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: no configuration file .*nope\.conf\n  hint: create the service/);
});

test('config commands need -s', () => {
  expect(cli('svcmgr', ['validate', 'config'], env()).stderr).toMatch(/no service given\n  hint: name the service with -s SVC/);
});

test('warnings alone exit 2 and do not stop create; each hint is printed once', async () => {
  const src = join(root, 'new.conf');
  await writeFile(src, `${SEED.replace('[DEFAULT]\n', '[DEFAULT]\ncluster_type = failover\n')}start_timout = 5\n[container#1]\ntype = hyperv\nname = v2\nuri = hyperv:///\n`);
  const created = cli('svcmgr', ['-s', 'web2', 'create', '--config', src], env());
  expect(created.code).toBe(0);
  expect(created.stderr).toMatch(/container#0\.start_timout: warning: unknown keyword "start_timout", ignored\n  hint: did you mean "start_timeout"\?/);
  const r = cli('svcmgr', ['-s', 'web2', 'validate', 'config'], env());
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('DEFAULT.cluster_type: warning: deprecated keyword cluster_type, use topology\n  hint: rename it to topology');
  expect(r.stderr).toContain('until then name, uri are not checked');
  const hints = r.stderr.split('\n').filter((l) => l.startsWith('  hint:'));
  expect(new Set(hints).size).toBe(hints.length);
});

test('one broken keyword does not stop get --param of another', async () => {
  await writeFile(conf, `${SEED}\n[app#1]\ncomment = {nothere}\n\n[env]\na = {app#1.comment}\nb = hello {nodename}\n`);
  expect(cli('svcmgr', ['-s', 'web1', 'get', '--param', 'env.b', '--eval'], env())).toMatchObject({ code: 0, stdout: 'hello hv1\n' });
  const broken = cli('svcmgr', ['-s', 'web1', 'get', '--param', 'app#1.comment', '--eval'], env());
  expect(broken.code).toBe(1);
  expect(broken.stderr).toMatch(/web1\.conf:12: app#1\.comment: \{nothere\} refers to a keyword that is not set/);
  const v = cli('svcmgr', ['-s', 'web1', 'validate', 'config'], env());
  expect(v.code).toBe(1);
  expect(v.stderr).toMatch(/:12: app#1\.comment: \{nothere\}/);
  expect(v.stderr).toMatch(/:15: env\.a: \{nothere\}/);
});

test('--help on an unknown command names it and exits nonzero', () => {
  const r = cli('svcmgr', ['NO-SUCH-COMMAND', '--help'], env());
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/unknown command "NO-SUCH-COMMAND"/);
  expect(cli('svcmgr', ['prnt', 'status', '--help'], env()).stderr).toMatch(/did you mean `svcmgr print status`/);
});

describe('references as OpenSVC resolves them, on two nodes, with and without --impersonate', () => {
  const REFS: Record<string, string> = {
    nodename: '{nodename}',
    nodes: '{nodes}',
    count: '{#nodes}',
    rid: '{rid}',
    name: '{short_name}',
    fqdn: '{fqdn}',
    clusternodes: '{clusternodes}',
    clusterid: '{clusterid}',
    private_var: '{private_var}',
    upper: '{upper:nodename}',
    dns: '{uri_ip:dns[1]}',
  };
  // Each row: node running the command, --impersonate, expected [env] values.
  const ROWS: Array<[string, string | undefined, Record<string, string>]> = [
    ['hv1', undefined, { nodename: 'hv1', nodes: 'hv1 hv2', count: '2', upper: 'HV1', clusternodes: 'hv1 hv2' }],
    ['hv2', undefined, { nodename: 'hv2', nodes: 'hv1 hv2', count: '2', upper: 'HV2', clusternodes: 'hv1 hv2' }],
    ['hv1', 'vm1', { nodename: 'vm1', nodes: 'vm1', count: '1', upper: 'VM1', clusternodes: 'hv1 hv2 vm1' }],
    ['hv2', 'hv1', { nodename: 'hv1', nodes: 'hv1 hv2', count: '2', upper: 'HV1', clusternodes: 'hv1 hv2' }],
  ];
  test.each(ROWS)('on %s, --impersonate %s', async (node, impersonate, expected) => {
    await writeFile(join(root, 'etc/capsule/node.conf'), '[cluster]\nname = Shop\nid = 42\nnodes = hv1 hv2\ndns = 192.0.2.53 2001:db8::53\n');
    // Keys prefixed: env.nodes = {nodes} would refer to itself.
    await writeFile(conf, `${SEED}\n[env]\n${Object.entries(REFS).map(([k, v]) => `ref_${k} = ${v}`).join('\n')}\n`);
    const r = cli('svcmgr', ['-s', 'web1', 'print', 'config', '--eval', '--format', 'json', ...(impersonate ? ['--impersonate', impersonate] : [])], env(node));
    expect(r.stderr).toBe('');
    const got = Object.fromEntries(Object.entries((JSON.parse(r.stdout) as { env: Record<string, string> }).env).map(([k, v]) => [k.slice(4), v]));
    expect(got).toEqual({
      ...expected,
      rid: 'env',
      name: 'web1',
      fqdn: 'web1.root.svc.shop',
      clusterid: '42',
      private_var: join(root, 'var/lib/capsule/web1'),
      dns: '[2001:db8::53]',
    });
  });
});

test.each(['hv1', 'hv2', 'vm1', 'dr1'])('a typical OpenSVC service file validates clean on %s', async (node) => {
  const src = fileURLToPath(new URL('fixtures/opensvc-typical.conf', import.meta.url));
  expect(cli('svcmgr', ['-s', 'shop', 'create', '--config', src], env(node))).toMatchObject({ code: 0, stderr: '' });
  expect(cli('svcmgr', ['-s', 'shop', 'validate', 'config'], env(node))).toMatchObject({ code: 0, stderr: '' });
});

test.each([
  ['33', '198.51.100.5', 'netmask 33 is longer than the 32 bits of an IPv4 address'],
  ['255.0.255.0', '198.51.100.5', 'netmask 255.0.255.0 is not a mask: its ones are not all before its zeros'],
  ['255.255.255.0', '2001:db8::5', 'netmask 255.255.255.0 is a dotted IPv4 mask: an IPv6 address takes a prefix length (64)'],
])('netmask = %s for %s: validate config refuses what start refuses, with the same words', async (netmask, ipname, problem) => {
  await writeFile(conf, `[DEFAULT]\nnodes = hv1\n\n[ip#1]\nipname = ${ipname}\nipdev = capsule-none0\nnetmask = ${netmask}\n`);
  const line = `${conf}:7: ip#1.netmask: ${problem}\n  hint: prefix length (24) or dotted mask (255.255.255.0); default 24 for IPv4, 64 for IPv6\n`;
  expect(cli('svcmgr', ['-s', 'web1', 'validate', 'config'], env())).toMatchObject({ code: 1, stderr: line });
  const start = cli('svcmgr', ['-s', 'web1', 'start'], env());
  expect(start.code).toBe(1);
  expect(start.stderr).toContain(line);
});
