import { guestView, mergeGuestView, type ViewRules } from './guest-view.js';
import { parseConfig } from './reader.js';
import { setKeyword, unsetKeyword } from './writer.js';

const FILE = `# web1: the shop
[DEFAULT]
nodes = hv1 hv2
encapnodes = vm1 vm2
nodes@encapnodes = vm1
token@nodes = hv-only
label@vm1 = mine
label@vm2 = theirs

[env]
db_password = s3cret
port = 8080
base = /srv/{env.port}

[container#0]
type = lxc
name = vm1

[ip#1]
ipname = 198.51.100.10

[app#1]
tags = encap
script = shop
# the port the guest listens on
start = run {env.base}

[fs#hv]
mnt = /data
`;

// As the service engine decides from the evaluated file: DEFAULT and the resources tagged encap.
const rules = (text: string, guest = 'vm1'): ViewRules => {
  const encap = new Set(parseConfig(text).sections.filter((s) => s.entries.some((e) => e.key === 'tags' && e.value.split(/\s+/).includes('encap'))).map((s) => s.name));
  return { guest, visible: (s) => s === 'DEFAULT' || encap.has(s) };
};
const view = (text: string, guest = 'vm1') => guestView(parseConfig(text), rules(text, guest));
const merge = (ours: string, theirs: string) => mergeGuestView(parseConfig(ours), parseConfig(theirs), rules(ours));

test('the view keeps what the guest reads and nothing of the hypervisor level', () => {
  expect(view(FILE)).toBe(`# web1: the shop
[DEFAULT]
nodes = hv1 hv2
encapnodes = vm1 vm2
nodes@encapnodes = vm1
label@vm1 = mine

[env]
port = 8080
base = /srv/{env.port}

[app#1]
tags = encap
script = shop
# the port the guest listens on
start = run {env.base}

`);
});

test('each guest sees its own scoped entries only', () => {
  expect(view(FILE, 'vm2')).toContain('label@vm2 = theirs');
  expect(view(FILE, 'vm2')).not.toContain('label@vm1');
});

test('a section referred to by a kept entry keeps that entry only', () => {
  const text = FILE.replace('start = run {env.base}', 'start = run {ip#1.ipname}');
  const v = view(text);
  expect(v).toContain('[ip#1]\nipname = 198.51.100.10');
  expect(v).not.toContain('[env]');
  expect(v).not.toContain('[container#0]');
});

test('no [env] header when no entry of it is kept', () => {
  expect(view(FILE.replace('start = run {env.base}', 'start = run'))).not.toContain('[env]');
});

// Guest edits, as `svcmgr set/unset` makes them in the guest, and what the merge must give back.
const edits: Array<[string, (v: string) => string]> = [
  ['nothing', (v) => v],
  ['a keyword of an encap resource', (v) => setKeyword(parseConfig(v), 'app#1', 'comment', 'edited in the guest')],
  ['a new encap resource', (v) => setKeyword(parseConfig(v), 'app#2', 'tags', 'encap')],
  ['an env entry removed', (v) => unsetKeyword(parseConfig(v), 'env', 'port')!],
  ['a DEFAULT keyword', (v) => setKeyword(parseConfig(v), 'DEFAULT', 'label@vm1', 'renamed')],
];

test.each(edits)('merging a guest edit (%s) keeps every hypervisor-level line and projects back exactly', (_what, edit) => {
  const theirs = edit(view(FILE));
  const merged = merge(FILE, theirs);
  expect(view(merged)).toBe(theirs);
  for (const line of ['token@nodes = hv-only', 'db_password = s3cret', '[container#0]', 'name = vm1', 'ipname = 198.51.100.10', '[fs#hv]', 'label@vm2 = theirs']) {
    expect(merged).toContain(line);
  }
});

test('an edit that makes entries useless to the guest does not project back: they leave its next view', () => {
  const theirs = view(FILE).replace(/\[app#1\][^]*$/, '');
  const merged = merge(FILE, theirs);
  expect(merged).not.toContain('[app#1]');
  expect(merged).toContain('base = /srv/{env.port}');
  expect(view(merged)).not.toContain('[env]');
});

test('hidden lines go back near where they were', () => {
  expect(merge(FILE, view(FILE))).toBe(FILE);
});

test('what the guest wrote wins over what it could not see', () => {
  const theirs = setKeyword(parseConfig(view(FILE)), 'DEFAULT', 'token@nodes', 'forged');
  const merged = merge(FILE, theirs);
  expect(merged).toContain('token@nodes = forged');
  expect(merged).not.toContain('hv-only');
  expect(view(merged)).not.toBe(theirs);
});

test('a guest that adds a section the hypervisor has gets that section merged, not duplicated', () => {
  const theirs = view(FILE) + '[container#0]\ntype = kvm\n';
  const doc = parseConfig(merge(FILE, theirs));
  expect(doc.issues).toEqual([]);
  expect(doc.sections.find((s) => s.name === 'container#0')!.entries.map((e) => `${e.key}=${e.value}`)).toEqual(['type=kvm', 'name=vm1']);
});

test('line endings and byte order mark of the guest copy are kept', () => {
  const crlf = '\ufeff' + FILE.replace(/\n/g, '\r\n');
  const v = view(crlf);
  expect(v.startsWith('\ufeff# web1')).toBe(true);
  expect(v).toContain('[app#1]\r\n');
  expect(merge(crlf, v)).toBe(crlf);
});
