import { carrierOf } from './carrier.js';

// /sys/class/net/DEV/carrier: 1, 0, or EINVAL while the interface is down (Documentation/ABI/testing/sysfs-class-net).
test.each<[number, string, ReturnType<typeof carrierOf>]>([
  [0, '1\n', { up: true }],
  [0, '0\n', { up: false, why: 'no carrier on eth0' }],
  [1, '', { up: false, why: 'eth0 is administratively down' }],
])('cat exits %d with %j', (code, stdout, carrier) => expect(carrierOf(code, stdout, 'eth0')).toEqual(carrier));
