import { parseConfig } from './reader.js';
import { renderDocument, setKeyword, unsetKeyword } from './writer.js';

const COMMENTED = `# web1: the shop front
[DEFAULT]
nodes = hv1 hv2   
; failover only
cluster_type: failover

[app#1]
# the start script
script = /etc/init.d/shop
start = echo a
    echo b
# trailing comment of app#1

[env]
port = 80
`;

const doc = () => parseConfig(COMMENTED, 'web1.conf');

/** Lines of `after` that are not in `before`, and the reverse: the whole diff of an edit. */
function diff(before: string, after: string): { added: string[]; removed: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { added: b.filter((l) => !a.includes(l)), removed: a.filter((l) => !b.includes(l)) };
}

test.each<[string, string, string, string, string[], string[]]>([
  ['replace a value', 'DEFAULT', 'nodes', 'hv1 hv3', ['nodes = hv1 hv3'], ['nodes = hv1 hv2   ']],
  ['replace a `key: value` line', 'DEFAULT', 'cluster_type', 'flex', ['cluster_type = flex'], ['cluster_type: failover']],
  ['replace a multi-line value', 'app#1', 'start', 'echo c', ['start = echo c'], ['start = echo a', '    echo b']],
  ['add a scoped key to a section', 'DEFAULT', 'nodes@encapnodes', 'vm1', ['nodes@encapnodes = vm1'], []],
  ['add a key after the last keyword, before comments', 'app#1', 'stop', 'echo stop', ['stop = echo stop'], []],
  ['add a section', 'fs#1', 'mnt', '/srv', ['[fs#1]', 'mnt = /srv'], []],
  ['write a multi-line value', 'env', 'motd', 'hello\nworld', ['motd = hello', '    world'], []],
])('set: %s touches only its lines', (_w, section, key, value, added, removed) => {
  const after = setKeyword(doc(), section, key, value);
  expect(diff(COMMENTED, after)).toEqual({ added, removed });
  const reread = parseConfig(after, 'web1.conf');
  expect(reread.issues).toEqual([]);
  const entry = reread.sections.find((s) => s.name === section)?.entries.find((e) => e.key === key);
  expect(entry?.value).toBe(value);
});

test('a new key goes before the trailing comment of its section', () => {
  const lines = setKeyword(doc(), 'app#1', 'stop', 'x').split('\n');
  expect(lines.indexOf('stop = x')).toBe(lines.indexOf('    echo b') + 1);
});

test('the first keyword of an empty file starts it', () => {
  expect(setKeyword(parseConfig(''), 'hb#1', 'port', '10000')).toBe('[hb#1]\nport = 10000\n');
});

test('unset removes the key and its continuation lines only', () => {
  const after = unsetKeyword(doc(), 'app#1', 'start')!;
  expect(diff(COMMENTED, after)).toEqual({ added: [], removed: ['start = echo a', '    echo b'] });
  expect(unsetKeyword(doc(), 'app#1', 'nothere')).toBeUndefined();
});

test('print config renders canonical key = value and keeps comments', () => {
  const text = renderDocument(doc());
  expect(text).toContain('cluster_type = failover');
  expect(text).toContain('nodes = hv1 hv2\n');
  expect(text).toContain('# trailing comment of app#1');
  expect(text).toContain('start = echo a\n    echo b\n');
});

test.each([
  ['CRLF line endings', '[DEFAULT]\r\nnodes = a\r\n\r\n[env]\r\nx = 1\r\n', '[DEFAULT]\r\nnodes = b\r\n\r\n[env]\r\nx = 1\r\n'],
  ['a byte order mark', '\ufeff[DEFAULT]\nnodes = a\n', '\ufeff[DEFAULT]\nnodes = b\n'],
  ['both', '\ufeff[DEFAULT]\r\nnodes = a\r\n', '\ufeff[DEFAULT]\r\nnodes = b\r\n'],
])('set keeps %s', (_w, before, after) => {
  expect(setKeyword(parseConfig(before, 'f'), 'DEFAULT', 'nodes', 'b')).toBe(after);
  // Read from disk: bytes, not a string.
  expect(setKeyword(parseConfig(new TextEncoder().encode(before), 'f'), 'DEFAULT', 'nodes', 'b')).toBe(after);
});

test.each([
  ['an [env] key keeps its case', 'env', 'MY_DIR', '[env]\nMY_DIR = /y\n'],
  ['an [env] key is found in any case and respelled', 'env', 'my_dir', '[env]\nmy_dir = /y\n'],
  ['other keys are lower-cased', 'DEFAULT', 'NODES', '[env]\nMY_DIR = /x\n\n[DEFAULT]\nnodes = /y\n'],
])('set: %s', (_w, section, key, after) => {
  expect(setKeyword(parseConfig('[env]\nMY_DIR = /x\n', 'f'), section, key, '/y')).toBe(after);
});

test('unset finds an [env] key in any case', () => {
  expect(unsetKeyword(parseConfig('[env]\nMY_DIR = /x\nb = 1\n', 'f'), 'env', 'my_dir')).toBe('[env]\nb = 1\n');
});
