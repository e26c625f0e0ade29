import { detailState, mdUuid, scanDevice } from './md.js';

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
