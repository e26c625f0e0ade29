import { readFileSync } from 'node:fs';
import { MIN_NODE, nodeAtLeast, requireNode } from './engines.js';

test.each([
  ['20.11.0', true],
  ['v20.11.0', true],
  ['20.11.1', true],
  ['20.20.2', true],
  ['22.0.0', true],
  ['20.10.9', false],
  ['18.19.0', false],
  ['9.99.99', false],
])('Node %s is new enough: %s', (v, ok) => expect(nodeAtLeast(v)).toBe(ok));

test('an old Node: one named error with both versions and what to do', () => {
  expect(() => requireNode('18.19.0', 'svcmgr')).toThrow(expect.objectContaining({ code: 'NodeTooOld', message: `svcmgr needs Node ${MIN_NODE} or later; this is Node 18.19.0`, hint: expect.stringContaining('newer Node') }));
  expect(() => requireNode(process.versions.node, 'svcmgr')).not.toThrow();
});

test.each(['../../../package.json', '../../../apps/cli/package.json', '../../../apps/agent/package.json'])('%s declares the same minimum', (file) => {
  const pkg = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as { engines?: { node?: string } };
  expect(pkg.engines?.node).toBe(`>=${MIN_NODE.replace(/\.0$/, '')}`);
});
