import { parseMountinfo } from './mountinfo.js';

test('fields, optional fields and escapes', () => {
  const text = [
    '36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue',
    '40 22 0:37 / /srv/with\\040space rw,relatime shared:5 - tmpfs tmpfs rw',
    '41 22 7:0 / /srv/data rw - ext4 /dev/loop0 rw',
    'garbage line',
    '',
  ].join('\n');
  expect(parseMountinfo(text)).toEqual([
    { mountpoint: '/mnt/parent', fstype: 'ext3', source: '/dev/root' },
    { mountpoint: '/srv/with space', fstype: 'tmpfs', source: 'tmpfs' },
    { mountpoint: '/srv/data', fstype: 'ext4', source: '/dev/loop0' },
  ]);
});
