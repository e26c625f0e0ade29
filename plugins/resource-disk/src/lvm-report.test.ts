import { lvActive, lvPartial, parseLvs, parseVgs, vgBlocker } from './lvm-report.js';

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
