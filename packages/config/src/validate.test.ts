import { CapsuleError, kw } from '@capsule/core';
import { formatIssue } from './issues.js';
import { parseConfig } from './reader.js';
import { KeywordRegistry } from './registry.js';
import { validateConfig } from './validate.js';

const lxcKeywords = [kw.string('name', { doc: 'container name', required: true }), kw.duration('start_timeout', { doc: 'secs', default: 30 })];
const fsKeywords = [kw.string('dev', { doc: 'device' }), kw.string('mnt', { doc: 'mount point', required: true }), kw.string('mnt_opt', { doc: 'options' })];

function registry(): KeywordRegistry {
  return new KeywordRegistry(async (group, type) => {
    if (group === 'container' && type === 'lxc') return lxcKeywords;
    if (group === 'fs') return fsKeywords;
    if (group === 'app' || group === 'ip' || group === 'sync') return [];
    throw new CapsuleError('DriverNotInstalled', `no installed driver provides ${group} type "${type}"`, { hint: `install @capsule/driver-${type}` });
  });
}

const SEED = `[DEFAULT]
nodes = hv1 hv2
encapnodes = vm1
nodes@encapnodes = vm1
topology = failover

[container#0]
type = lxc
name = vm1

[fs#1]
dev = /dev/mapper/vgdata-tools
mnt = /srv/svctest/tools
type = ext4
mnt_opt = rw,relatime
tags = encap
`;

async function issues(text: string, nodename = 'hv1') {
  return (await validateConfig(parseConfig(text, 'web1.conf'), registry(), { nodename, svcname: 'web1' })).map(formatIssue);
}

test.each(['hv1', 'vm1'])('the seed file is valid on %s', async (node) => {
  expect(await issues(SEED, node)).toEqual([]);
});

test.each<[string, string, RegExp]>([
  ['unknown keyword with a suggestion', '[DEFAULT]\nnodez = a\n', /web1\.conf:2: DEFAULT\.nodez: warning: unknown keyword "nodez", ignored\n  hint: did you mean "nodes"\?/],
  ['unknown driver keyword', '[container#0]\ntype = lxc\nname = a\nstart_timout = 5\n', /:4: container#0\.start_timout: warning: unknown keyword.*\n  hint: did you mean "start_timeout"/],
  ['bad boolean', '[fs#1]\nmnt = /x\ndisable = maybe\n', /:3: fs#1\.disable: expected a boolean/],
  ['bad duration', '[container#0]\ntype = lxc\nname = a\nstart_timeout = soon\n', /:4: container#0\.start_timeout: expected a duration/],
  ['bad choice', '[DEFAULT]\ntopology = farm\n', /:2: DEFAULT\.topology: .*failover.*flex/],
  ['bad choice under a deprecated name', '[DEFAULT]\ncluster_type = farm\n', /:2: DEFAULT\.cluster_type: warning: deprecated keyword cluster_type, use topology\n.*\n---\n.*:2: DEFAULT\.cluster_type: .*failover.*flex/],
  ['bad scope target', '[DEFAULT]\nnodes = hv1\napp@hv9 = x\n', /:3: DEFAULT\.app@hv9: scope target "hv9" is neither a node/],
  ['self scope', '[DEFAULT]\nnodes = hv1\nnodes@nodes = hv2\n', /:3: DEFAULT\.nodes@nodes: nodes cannot be scoped by itself/],
  ['set scoped by a later set', '[DEFAULT]\nnodes = hv1\nencapnodes@nodes = vm1\n', /:3: DEFAULT\.encapnodes@nodes: encapnodes cannot be scoped by @nodes/],
  ['empty scope', '[DEFAULT]\napp@ = x\n', /:2: DEFAULT\.app@: empty scope after @/],
  ['unknown container type names the package', '[container#0]\ntype = kvm\nname = a\nuri = qemu:///system\n', /:2: container#0\.type: warning: no installed driver provides container type "kvm"\n  hint: install @capsule\/driver-kvm; until then name, uri are not checked/],
  ['container without a type', '[container#0]\nname = a\n', /:1: container#0\.type: a container needs a type/],
  ['missing required keyword', '[fs#1]\ndev = /dev/x\n', /:1: fs#1\.mnt: missing required keyword mnt/],
  ['unknown section', '[frobs]\na = 1\n', /:1: frobs: warning: unknown section \[frobs\], ignored/],
  ['unknown group', '[vol#1]\na = 1\n', /:1: vol#1: warning: unknown resource group "vol", ignored/],
  ['undefined reference', '[fs#1]\nmnt = /srv/{nothere}\n', /:2: fs#1\.mnt: \{nothere\} refers to a keyword that is not set/],
  ['reference cycle', '[DEFAULT]\napp = {comment}\ncomment = {app}\n', /reference cycle: DEFAULT\.app -> DEFAULT\.comment -> DEFAULT\.app/],
  ['bad hook action', '[fs#1]\nmnt = /x\npre_frobnicate = true\n', /:3: fs#1\.pre_frobnicate: warning: unknown keyword/],
  ['syntax issues are included', '[DEFAULT\n', /:1: unterminated section header/],
  ['placement constraints refused by name, not ignored', '[DEFAULT]\nconstraints = node.env == PRD\n', /:2: DEFAULT\.constraints: capsule does not evaluate placement constraints/],
])('%s', async (_what, text, expected) => {
  const found = await issues(text);
  expect(found.join('\n---\n')).toMatch(expected);
});

test('hooks are accepted on resources', async () => {
  expect(await issues('[fs#1]\nmnt = /x\npre_start = echo hi\nblocking_post_stopfs = true\n')).toEqual([]);
});

// Lines OpenSVC b2.1 accepts that the differential (tooling/opensvc-diff) found refused or unknown here.
test.each([
  ['always_on naming node sets', '[DEFAULT]\nnodes = hv1 hv2\ndrpnodes = hv3\n[fs#1]\nmnt = /x\nalways_on = nodes drpnodes\n'],
  ['always_on naming a node', '[DEFAULT]\nnodes = hv1 hv2\n[fs#1]\nmnt = /x\nalways_on = hv2\n'],
  ['always_on in [DEFAULT], for the resources', '[DEFAULT]\nnodes = hv1 hv2\nalways_on = nodes\n[fs#1]\nmnt = /x\n'],
  ['startstandby hooks (the startstandby action runs them)', '[fs#1]\nmnt = /x\npre_startstandby = true\nblocking_post_startstandby = true\n'],
  ...['CERT', 'MUS', 'POC', 'PPR', 'QUAL', 'RCT', 'UAT'].map((e) => [`env = ${e}`, `[DEFAULT]\nenv = ${e}\n`]),
  ['sync_max_delay in minutes', '[DEFAULT]\nsync_max_delay = 90\n'],
])('OpenSVC accepts it, so does capsule: %s', async (_what, text) => {
  // always_on is still said to be deprecated, as every old name is.
  expect((await issues(text)).filter((i) => !i.includes('deprecated keyword always_on'))).toEqual([]);
});

test('all problems are reported at once, in line order', async () => {
  const found = await issues('[DEFAULT]\nnodez = a\ntopology = farm\n[fs#1]\ndisable = maybe\n[container#9]\ntype = kvm\n');
  expect(found.map((f) => f.split(':')[1])).toEqual(['2', '3', '4', '5', '7']);
});

test.each<[string, string, RegExp]>([
  ['a NUL byte', '[DEFAULT]\napp = a\0b\n', /^web1\.conf:2: DEFAULT: NUL byte at column 8/],
  ['200k nested braces', `[DEFAULT]\nnodes = hv1\napp = ${'{'.repeat(200_000)}x${'}'.repeat(200_000)}\n`, /^web1\.conf:3: DEFAULT\.app: braces or \$\( nested deeper than 64 levels/],
  ['100k nested $((', `[DEFAULT]\nnodes = hv1\napp = $(${'('.repeat(100_000)}1${')'.repeat(100_000)})\n`, /^web1\.conf:3: DEFAULT\.app: cannot evaluate .*nested deeper than 100 levels/],
  ['a value doubling itself', ['[env]', 'a0 = xx', ...Array.from({ length: 30 }, (_, i) => `a${i + 1} = {a${i}}{a${i}}`)].join('\n'), /^web1\.conf:32: env\.a30: env\.a22: the evaluated value grows past/m],
])('%s is reported at its line', async (_what, text, expected) => {
  expect((await issues(text)).join('\n')).toMatch(expected);
});

test('broken node sets are reported once, at their line, not on every keyword', async () => {
  const found = await issues('[DEFAULT]\nnodes = {x}\napp = {nodes}\n[fs#1]\nmnt = /x/{app}\n');
  expect(found).toEqual(['web1.conf:2: DEFAULT.nodes: {x} refers to a keyword that is not set\n  hint: set DEFAULT.x or remove the reference']);
});

test('a [DEFAULT] keyword that a resource section takes is no unknown keyword, and counts as set', async () => {
  expect(await issues('[DEFAULT]\nmnt = /srv/{rindex}\n[fs#1]\ndev = /dev/x\n')).toEqual([]);
  expect((await issues('[DEFAULT]\nmnt = /srv\n')).join('\n')).toMatch(/DEFAULT\.mnt: warning: unknown keyword "mnt", ignored/);
});

describe('a keyword checked against its section', () => {
  // A size no larger than the disk it sits on: the shape of netmask against ipname's family.
  const diskKeywords = [
    kw.int('disk_gb', { doc: 'the disk' }),
    kw.int('size_gb', { doc: 'the volume', check: (size, other) => (Number(other('disk_gb') ?? Infinity) < size ? `${size} GB does not fit on a ${other('disk_gb')} GB disk` : undefined) }),
  ];
  const reg = () => {
    const r = new KeywordRegistry();
    r.register('disk', undefined, diskKeywords);
    return r;
  };
  const check = async (lines: string) =>
    (await validateConfig(parseConfig(`[DEFAULT]\nnodes = hv1 hv2\n\n[disk#1]\n${lines}`, 'web1.conf'), reg(), { nodename: 'hv1', svcname: 'web1' })).map(formatIssue);

  test.each([
    ['fits', 'disk_gb = 100\nsize_gb = 40\n', []],
    ['the other keyword is not set: nothing to compare', 'size_gb = 400\n', []],
    ['too large', 'disk_gb = 100\nsize_gb = 400\n', ['web1.conf:6: disk#1.size_gb: 400 GB does not fit on a 100 GB disk\n  hint: the volume']],
    ['through a reference', 'disk_gb = {env.gb}\nsize_gb = 400\n[env]\ngb = 100\n', ['web1.conf:6: disk#1.size_gb: 400 GB does not fit on a 100 GB disk\n  hint: the volume']],
    ['as the node of a scoped line reads it', 'disk_gb = 500\ndisk_gb@hv2 = 100\nsize_gb@hv2 = 400\nsize_gb = 400\n', ['web1.conf:7: disk#1.size_gb@hv2: 400 GB does not fit on a 100 GB disk\n  hint: the volume']],
    ['a value its parser refuses is said once, unchecked', 'disk_gb = 100\nsize_gb = lots\n', ['web1.conf:6: disk#1.size_gb: expected an integer, got "lots"\n  hint: the volume']],
  ])('%s', async (_, lines, expected) => expect(await check(lines)).toEqual(expected));
});
