import { isCapsuleError } from '@capsule/core';
import { Evaluator } from './evaluator.js';
import { parseConfig } from './reader.js';

const SEED = `[DEFAULT]
nodes = hv1 hv2
encapnodes = vm1
nodes@encapnodes = vm1
`;

function ev(text: string, nodename: string, svcname = 'web1.example.com') {
  return new Evaluator(parseConfig(text, 'web1.conf'), { nodename, svcname });
}

describe('the seed header', () => {
  test.each([
    ['hv1', 'hv1 hv2'],
    ['hv2', 'hv1 hv2'],
    ['vm1', 'vm1'],
  ])('on %s nodes = %s', (node, nodes) => {
    expect(ev(SEED, node).sets().nodes.join(' ')).toBe(nodes);
    expect(ev(SEED, node).resolve('{nodes}', 'DEFAULT')).toBe(nodes);
  });
});

// Each row: the DEFAULT body, the node evaluating, the keyword, the expected value.
const SCOPING: Array<[string, string, string, string, string | undefined]> = [
  ['unscoped only', 'nodes = n1 n2\napp = a', 'n1', 'app', 'a'],
  ['node scope beats everything', 'nodes = n1 n2\napp = a\napp@nodes = b\napp@n1 = c', 'n1', 'app', 'c'],
  ['node scope for another node is ignored', 'nodes = n1 n2\napp = a\napp@n2 = c', 'n1', 'app', 'a'],
  ['@nodes applies to members', 'nodes = n1 n2\napp = a\napp@nodes = b', 'n2', 'app', 'b'],
  ['@nodes does not apply to drp nodes', 'nodes = n1\ndrpnodes = d1\napp = a\napp@nodes = b', 'd1', 'app', 'a'],
  ['@drpnodes applies to drp nodes', 'nodes = n1\ndrpnodes = d1\napp = a\napp@drpnodes = b', 'd1', 'app', 'b'],
  ['drpnode is added to drpnodes', 'nodes = n1\ndrpnode = d2\napp = a\napp@drpnodes = b', 'd2', 'app', 'b'],
  ['@nodes before @drpnodes', 'nodes = n1\ndrpnodes = n1\napp@drpnodes = d\napp@nodes = n', 'n1', 'app', 'n'],
  ['@drpnodes before @encapnodes', 'nodes = n1\ndrpnodes = x\nencapnodes = x\napp@encapnodes = e\napp@drpnodes = d', 'x', 'app', 'd'],
  ['@encapnodes applies in the guest', 'nodes = h1\nencapnodes = g1\napp = a\napp@encapnodes = e', 'g1', 'app', 'e'],
  ['@encapnodes before @flex_primary', 'nodes = g1\nencapnodes = g1\napp@flex_primary = f\napp@encapnodes = e', 'g1', 'app', 'e'],
  ['@flex_primary defaults to the first node', 'nodes = n1 n2\napp = a\napp@flex_primary = f', 'n1', 'app', 'f'],
  ['@flex_primary is not the other nodes', 'nodes = n1 n2\napp = a\napp@flex_primary = f', 'n2', 'app', 'a'],
  ['explicit flex_primary', 'nodes = n1 n2\nflex_primary = n2\napp@flex_primary = f', 'n2', 'app', 'f'],
  ['@drp_flex_primary', 'nodes = n1\ndrpnodes = d1 d2\napp = a\napp@drp_flex_primary = f', 'd1', 'app', 'f'],
  ['@flex_primary before @drp_flex_primary', 'nodes = n1\ndrpnodes = n1\napp@drp_flex_primary = d\napp@flex_primary = f', 'n1', 'app', 'f'],
  ['a scoped-only keyword is unset elsewhere', 'nodes = n1 n2\napp@n2 = b', 'n1', 'app', undefined],
  ['node names compare case-insensitively', 'nodes = N1\napp@N1 = b', 'N1', 'app', 'b'],
  ['nodes@nodes is never used', 'nodes = n1 n2\nnodes@nodes = n9', 'n1', 'nodes', 'n1 n2'],
  ['encapnodes is scoped by node name only', 'nodes = h1\nencapnodes = g1\nencapnodes@nodes = zz', 'h1', 'encapnodes', 'g1'],
  ['nodes scoped by drpnodes', 'nodes = n1\ndrpnodes = d1\nnodes@drpnodes = d1 d2', 'd1', 'nodes', 'd1 d2'],
  ['no nodes means the local node', 'app = {nodes}', 'n7', 'app', 'n7'],
];

test.each(SCOPING)('%s', (_what, body, node, keyword, expected) => {
  const e = ev(`[DEFAULT]\n${body}\n`, node);
  const v = ['nodes', 'drpnodes', 'encapnodes'].includes(keyword) ? e.sets()[keyword as 'nodes'].join(' ') : e.get('DEFAULT', keyword);
  expect(v).toBe(expected);
});

test('resource sections are scoped the same way', () => {
  const text = `${SEED}\n[fs#1]\nmnt = /srv/hv\nmnt@encapnodes = /srv/guest\nmnt@hv2 = /srv/hv2\n`;
  expect(ev(text, 'hv1').get('fs#1', 'mnt')).toBe('/srv/hv');
  expect(ev(text, 'hv2').get('fs#1', 'mnt')).toBe('/srv/hv2');
  expect(ev(text, 'vm1').get('fs#1', 'mnt')).toBe('/srv/guest');
});

const REFS = `[DEFAULT]
nodes = n1.example.com n2
app = shop
idx = 1
base = 10
[env]
port = 80{idx}
[ip#1]
ipname = {svcname}-ip
ipdev = eth{idx}
netmask = 24
[fs#1]
mnt = /srv/{app}/{ip#1.ipname}
`;

test.each([
  ['{nodename}', 'n1.example.com'],
  ['{short_nodename}', 'n1'],
  ['{svcname}', 'web1.example.com'],
  ['{short_svcname}', 'web1'],
  ['{app}', 'shop'],
  ['{ipdev}', 'eth1'],
  ['{ip#1.ipname}', 'web1.example.com-ip'],
  ['{env.port}', '801'],
  ['{#nodes}', '2'],
  ['{nodes[0]}', 'n1.example.com'],
  ['{nodes[{idx}]}', 'n2'],
  ['{nodes[-1]}', 'n2'],
  ['{fs#1.mnt}', '/srv/shop/web1.example.com-ip'],
  ['$(1+{base}*2)', '21'],
  ['$({#nodes}**3)', '8'],
  ['$(({base}+{netmask})//3)', '11'],
  ['port {env.port} on {nodename}', 'port 801 on n1.example.com'],
  ['${HOME} and {"json": 1} stay', '${HOME} and {"json": 1} stay'],
  ['{unbalanced', '{unbalanced'],
])('in ip#1, %s -> %s', (text, expected) => {
  expect(ev(REFS, 'n1.example.com').resolve(text, 'ip#1')).toBe(expected);
});

test.each([
  ['{nope}', 'ConfigReferenceUnknown', /\{nope\} refers to a keyword that is not set/],
  ['{fs#9.mnt}', 'ConfigReferenceUnknown', /fs#9\.mnt/],
  ['{nodes[5]}', 'ConfigReferenceIndex', /out of range, nodes has 2 words/],
  ['{nodes[x]}', 'ConfigReferenceIndex', /index "x" is not an integer/],
  ['{nodes[{app}]}', 'ConfigReferenceIndex', /index "shop" is not an integer/],
  ['$(1/0)', 'ConfigExpression', /division by zero/],
])('%s is a %s error', (text, code, message) => {
  try {
    ev(REFS, 'n1.example.com').resolve(text, 'ip#1');
    throw new Error('accepted');
  } catch (e) {
    if (!isCapsuleError(e)) throw e;
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  }
});

test.each([
  ['a = {b}\nb = {a}', 'a', /reference cycle: DEFAULT\.a -> DEFAULT\.b -> DEFAULT\.a/],
  ['a = {a}', 'a', /reference cycle: DEFAULT\.a -> DEFAULT\.a/],
  ['a = x{b}\nb = {c}\nc = $(1+{a})', 'a', /DEFAULT\.a -> DEFAULT\.b -> DEFAULT\.c -> DEFAULT\.a/],
  ['nodes = {encapnodes}\nencapnodes = {nodes}', 'app', /reference cycle/],
])('cycle %#', (body, keyword, message) => {
  const e = ev(`[DEFAULT]\n${body}\napp = {nodes}\n`, 'n1');
  expect(() => e.get('DEFAULT', keyword)).toThrow(message);
});

test('impersonation evaluates as another node', () => {
  const text = `${SEED}app = {nodename}\n`;
  expect(ev(text, 'vm1').get('DEFAULT', 'app')).toBe('vm1');
  expect(ev(text, 'hv1').get('DEFAULT', 'app')).toBe('hv1');
});

describe('names are looked up as own properties only', () => {
  test.each(['{constructor}', '{__proto__}', '{#constructor}', '{toString}', '{hasOwnProperty[0]}', '{env.constructor}'])('%s is not set', (text) => {
    expect(() => ev(REFS, 'n1').resolve(text, 'ip#1')).toThrow(expect.objectContaining({ code: 'ConfigReferenceUnknown' }));
  });

  test('a keyword named like an Object member is a keyword', () => {
    const e = ev('[DEFAULT]\nconstructor = c\n__proto__ = p\nnodes@constructor = x\n', 'n1');
    expect(e.resolve('{constructor} {__proto__} {#constructor}', 'DEFAULT')).toBe('c p 1');
    expect(e.sets().nodes).toEqual(['n1']);
  });
});

describe('runaway values are named errors at the keyword', () => {
  const doubling = ['[DEFAULT]', 'a0 = xx', ...Array.from({ length: 30 }, (_, i) => `a${i + 1} = {a${i}}{a${i}}`)].join('\n');
  test.each<[string, string, string, RegExp]>([
    ['a value doubling itself 30 times', doubling, 'a30', /the evaluated value grows past 4194304 characters/],
    ['200k nested braces', `[DEFAULT]\nv = ${'{'.repeat(200_000)}x${'}'.repeat(200_000)}\n`, 'v', /braces or \$\( nested deeper than 64 levels/],
    ['100k nested $(', `[DEFAULT]\nv = ${'$('.repeat(100_000)}1${')'.repeat(100_000)}\n`, 'v', /nested deeper than 64 levels/],
    ['100k nested $((', `[DEFAULT]\nv = $(${'('.repeat(100_000)}1${')'.repeat(100_000)})\n`, 'v', /nested deeper than 100 levels/],
  ])('%s', (_what, text, keyword, message) => {
    expect(() => ev(text, 'n1').get('DEFAULT', keyword)).toThrow(expect.objectContaining({ message: expect.stringMatching(message) }));
  });
});
