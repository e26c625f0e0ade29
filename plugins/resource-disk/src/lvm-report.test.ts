import { lvActive, lvPartial, parseLvDevices, parseLvs, parsePvNames, parseVgs, vgBlocker } from './lvm-report.js';

test('vgs and lvs reports with ; separators and lvm2 indentation', () => {
  expect(parseVgs('  vg1;wz--n-;hv1,backup\n  vg2;wz--n-;\n')).toEqual([
    { name: 'vg1', attr: 'wz--n-', tags: ['hv1', 'backup'] },
    { name: 'vg2', attr: 'wz--n-', tags: [] },
  ]);
  expect(parseLvs('  lv1;-wi-a-----\n  lv2;-wi-------\n')).toEqual([
    { name: 'lv1', attr: '-wi-a-----' },
    { name: 'lv2', attr: '-wi-------' },
  ]);
});

test('the PVs of a VG (vgs -o pv_name) and the devices of an LV (lvs -o devices), a missing PV left out', () => {
  expect(parsePvNames('  /dev/sdb\n  /dev/mapper/mpathc\n')).toEqual(['/dev/sdb', '/dev/mapper/mpathc']);
  expect(parseLvDevices('  /dev/sdb(0),/dev/sdc(0)\n  /dev/sdb(256)\n')).toEqual(['/dev/sdb', '/dev/sdc']);
  expect(parseLvDevices('  [unknown](0),/dev/sdc(0)\n')).toEqual(['/dev/sdc']);
  expect(parseLvDevices('')).toEqual([]);
});

test.each([
  ['wz--n-', undefined],
  ['wz-pn-', 'is partial: some of its PVs are missing'],
  ['wzx-n-', 'is exported (vgimport it first)'],
  ['wz--nc', 'is clustered: it needs clvmd, which capsule does not drive'],
  ['wz--ns', 'is shared: it needs lvmlockd, which capsule does not drive'],
])('vg_attr %s blocks activation: %s', (attr, why) => {
  expect(vgBlocker(attr)).toBe(why);
});

test.each([
  ['-wi-a-----', true, false],
  ['-wi-------', false, false],
  ['-wi-a---p-', true, true],
  ['-wi-ao----', true, false],
  ['-wi-s-----', false, false],
])('lv_attr %s: active %s, partial %s', (attr, active, partial) => {
  expect([lvActive(attr), lvPartial(attr)]).toEqual([active, partial]);
});
