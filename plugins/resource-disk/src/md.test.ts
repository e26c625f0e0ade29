import { readFileSync } from 'node:fs';
import { detailMembers, detailState, examineMembers, mdUuid, scanDevice } from './md.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/mdadm/corpus/${f}`, import.meta.url), 'utf8');

test.each([
  ['0A1B2C3D:00000000:11111111:22222222', '0a1b2c3d:00000000:11111111:22222222'],
  ['0a1b2c3d-0000-0000-1111-111122222222', '0a1b2c3d:00000000:11111111:22222222'],
])('uuid %s is %s in mdadm form', (raw, uuid) => {
  expect(mdUuid(raw)).toBe(uuid);
});

test('the device of an array in --detail --scan, by uuid', () => {
  const out = 'ARRAY /dev/md/svc.disk.1 metadata=1.2 name=hv1:data UUID=0a1b2c3d:00000000:11111111:22222222\nARRAY /dev/md127 metadata=1.2 name=hv1:x UUID=ffffffff:00000000:11111111:22222222\n';
  expect(scanDevice(out, '0a1b2c3d:00000000:11111111:22222222')).toBe('/dev/md/svc.disk.1');
  expect(scanDevice(out, '0a1b2c3d:00000000:11111111:33333333')).toBeUndefined();
});

test('the State line of --detail', () => {
  expect(detailState('/dev/md127:\n           Version : 1.2\n             State : clean, degraded \n')).toBe('clean, degraded');
  expect(detailState('nothing')).toBeUndefined();
});

test('the members of a stopped array in --examine --scan --verbose, by uuid (corpus)', () => {
  const out = corpus('examine-scan-verbose.txt');
  expect(examineMembers(out, '0a1b2c3d:00000000:11111111:22222222')).toEqual(['/dev/sdc', '/dev/sdb']);
  expect(examineMembers(out, '0a1b2c3d:00000000:11111111:33333333')).toEqual([]);
  expect(examineMembers('ARRAY /dev/md/data  metadata=1.2 UUID=0a1b2c3d:00000000:11111111:22222222 name=n:data\n', '0a1b2c3d:00000000:11111111:22222222')).toEqual([]);
});

test('the members of a running array in --detail; a removed slot names none', () => {
  const out = ['/dev/md127:', '             State : clean, degraded', '', '    Number   Major   Minor   RaidDevice State', '       0       7        0        0      active sync   /dev/loop3', '       -       0        0        1      removed', ''].join('\n');
  expect(detailMembers(out)).toEqual(['/dev/loop3']);
  expect(detailMembers('/dev/md127:\n')).toEqual([]);
});
