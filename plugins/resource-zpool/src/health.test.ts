// Pool health to resource status, as OpenSVC's disk.zpool has it.
import { statusOfHealth } from './health.js';

test.each([
  ['ONLINE', 'up', []],
  ['DEGRADED', 'warn', ['warn: pool tank is DEGRADED: a device is missing or failing (zpool status tank)']],
  ['SUSPENDED', 'warn', ['warn: pool tank I/O is currently suspended (zpool status tank, then zpool clear tank)']],
  ['FAULTED', 'down', ['warn: pool tank is imported but FAULTED']],
  ['UNAVAIL', 'down', ['warn: pool tank is imported but UNAVAIL']],
  ['', 'down', ['warn: pool tank is imported but of unknown health']],
])('%s', (health, status, log) => {
  expect(statusOfHealth('tank', health)).toEqual({ status, log });
});
