// drbdadm status parsing and judging, on the corpus of drbd-utils' output.
import { readFileSync } from 'node:fs';
import { judge, parseDrbdStatus } from './status.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/drbdadm/corpus/${f}`, import.meta.url), 'utf8');

test.each([
  ['status-primary-connected.txt', 'r0', { status: 'up', log: [] }],
  ['status-primary-peer-connecting.txt', 'r0', { status: 'warn', log: ['warn: r0 peer hv2 is Connecting'] }],
  ['status-secondary-peer-primary.txt', 'r0', { status: 'down', log: ['info: r0 is Secondary here, Primary on hv2'] }],
  ['status-two-volumes-syncing.txt', 'wwwdata', { status: 'warn', log: ['warn: wwwdata peer node-b disk is Inconsistent'] }],
  ['status-primary-diskless.txt', 'r0', { status: 'down', log: ['info: r0 is Primary but its disk is Diskless'] }],
])('%s', (file, res, expected) => {
  expect(judge(parseDrbdStatus(corpus(file), res)!)).toEqual(expected);
});

test('the parsed state of two volumes and a syncing peer', () => {
  expect(parseDrbdStatus(corpus('status-two-volumes-syncing.txt'), 'wwwdata')).toEqual({
    res: 'wwwdata',
    role: 'Primary',
    disks: ['UpToDate', 'UpToDate'],
    peers: [{ name: 'node-b', connection: 'Connected', role: 'Secondary', disks: ['UpToDate', 'Inconsistent'] }],
  });
});

test('a local disk Outdated or Inconsistent on a Primary warns; another resource in the text is not read', () => {
  const text = 'r1 role:Primary\n  disk:UpToDate\n\nr0 role:Primary\n  disk:Outdated\n  hv2 connection:StandAlone\n\n';
  expect(judge(parseDrbdStatus(text, 'r0')!)).toEqual({ status: 'warn', log: ['warn: r0 disk is Outdated', 'warn: r0 peer hv2 is StandAlone'] });
  expect(parseDrbdStatus(text, 'r9')).toBeUndefined();
  expect(judge(parseDrbdStatus('r0 role:Secondary\n  disk:UpToDate\n  hv2 connection:Connecting\n', 'r0')!)).toEqual({ status: 'down', log: ['info: r0 is Secondary here'] });
});
