import { isCapsuleError } from '@capsule/core';
import { MAX_CONFIG_BYTES, parseConfig } from './reader.js';

test('sections, both delimiters, comments, continuations, scopes', () => {
  const doc = parseConfig(
    `# header comment
[DEFAULT]
nodes = hv1 hv2
encapnodes: vm1
NODES@EncapNodes = vm1
; another comment
[ip#1sm]
ipname = 198.51.100.5
  # an indented comment is a comment
[app#1]
script = /bin/true
start = echo one
    echo two

[sync#i0]
[subset#app:g1]
parallel = true
`,
    'web1.conf',
  );
  expect(doc.issues).toEqual([]);
  expect(doc.sections.map((s) => [s.name, s.line, s.entries.map((e) => [e.key, e.keyword, e.scope, e.value, e.line, e.endLine])])).toEqual([
    ['DEFAULT', 2, [['nodes', 'nodes', undefined, 'hv1 hv2', 3, 3], ['encapnodes', 'encapnodes', undefined, 'vm1', 4, 4], ['nodes@encapnodes', 'nodes', 'encapnodes', 'vm1', 5, 5]]],
    ['ip#1sm', 7, [['ipname', 'ipname', undefined, '198.51.100.5', 8, 8]]],
    ['app#1', 10, [['script', 'script', undefined, '/bin/true', 11, 11], ['start', 'start', undefined, 'echo one\necho two', 12, 13]]],
    ['sync#i0', 15, []],
    ['subset#app:g1', 16, [['parallel', 'parallel', undefined, 'true', 17, 17]]],
  ]);
});

test('CRLF line endings and a BOM are accepted', () => {
  const doc = parseConfig('\ufeff[DEFAULT]\r\nnodes = a\r\n', 'f');
  expect(doc.issues).toEqual([]);
  expect(doc.sections[0]?.entries[0]?.value).toBe('a');
});

test('a value may contain = and :', () => {
  expect(parseConfig('[env]\nurl = http://x:80/?a=b\n').sections[0]?.entries[0]).toMatchObject({ key: 'url', value: 'http://x:80/?a=b' });
});

test.each([
  ['unterminated section', '[DEFAULT\nnodes = a\n', 1, /unterminated section header "\[DEFAULT"/],
  ['empty section name', '[]\n', 1, /empty section name/],
  ['duplicate section', '[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n', 3, /duplicate section \[DEFAULT\], first at line 1/],
  ['duplicate keys', '[DEFAULT]\nnodes = a\nnodes = b\n', 3, /duplicate keyword nodes, first at line 2/],
  ['duplicate keys differing in case', '[DEFAULT]\nnodes = a\nNodes = b\n', 3, /duplicate keyword nodes/],
  ['keyword outside a section', 'nodes = a\n', 1, /keyword outside any section/],
  ['no delimiter', '[DEFAULT]\nnodes\n', 2, /expected "key = value", got "nodes"/],
  ['empty key', '[DEFAULT]\n= a\n', 2, /expected "key = value"/],
  ['continuation without a keyword', '[DEFAULT]\n   stray\n', 2, /indented line continues no keyword/],
])('%s is an issue at its line', (_what, text, line, message) => {
  const doc = parseConfig(text, 'bad.conf');
  expect(doc.issues).toHaveLength(1);
  expect(doc.issues[0]).toMatchObject({ file: 'bad.conf', line, severity: 'error' });
  expect(doc.issues[0]!.message).toMatch(message);
  expect(doc.issues[0]!.hint).toBeTruthy();
});

test.each([
  ['non-UTF-8 bytes on line 3', Buffer.concat([Buffer.from('[DEFAULT]\na = 1\nb = '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]), /bad\.conf:3: invalid UTF-8/],
  ['a huge file', Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x61), /over the 4194304 bytes limit/],
])('%s is a ConfigSyntax error', (_what, bytes, message) => {
  try {
    parseConfig(bytes, 'bad.conf');
    throw new Error('accepted');
  } catch (e) {
    if (!isCapsuleError(e)) throw e;
    expect(e.code).toBe('ConfigSyntax');
    expect(e.message).toMatch(message);
  }
});

test('a NUL byte is an issue at its line', () => {
  const doc = parseConfig('[DEFAULT]\napp = a\0b\n', 'nul.conf');
  expect(doc.issues).toEqual([expect.objectContaining({ file: 'nul.conf', line: 2, message: 'NUL byte at column 8' })]);
});
