import { keywordDefault, NODE_SECTIONS } from './node-keywords.js';

// Every default as `nodemgr get` prints it reads back as the default the node uses.
const defaulted = NODE_SECTIONS.flatMap((s) => Object.values(s.keywords).filter((k) => k.default !== undefined).map((k) => [`${s.title}.${k.name}`, k] as const));

test.each(defaulted)('%s: its default, as written, reads as the default', (_, k) => {
  const text = keywordDefault(k, { root: '/r', node: 'hv2' });
  expect(text).toBeDefined();
  expect(k.schema.parse(text)).toEqual(k.default);
});

test.each([
  ['ssh', 'identity_file', undefined, '/r/etc/capsule/ssh/id_ed25519'],
  ['ssh', 'known_hosts', undefined, '/r/etc/capsule/ssh/known_hosts'],
  ['ssh', 'port', 'hv2', '22'],
  ['ssh', 'user', 'hv2', 'root'],
  ['hb#N', 'interval', undefined, '1s'],
  ['hb#N', 'addr', 'hv2', 'hv2'],
  ['cluster', 'id', undefined, undefined],
])('[%s] %s (node %s) defaults to %s', (section, name, node, expected) => {
  const k = NODE_SECTIONS.find((s) => s.title === section)!.keywords[name]!;
  expect(keywordDefault(k, { root: '/r', ...(node ? { node } : {}) })).toBe(expected);
});
