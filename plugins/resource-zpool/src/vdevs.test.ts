// Leaf vdevs of `zpool status -L -P`, from the corpus.
import { readFileSync } from 'node:fs';
import { vdevPaths } from './vdevs.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/zpool/corpus/${f}`, import.meta.url), 'utf8');

test('the leaves of a mirror, with their full paths; the pool and mirror rows are not devices', () => {
  expect(vdevPaths(corpus('status-LP-mirror.txt'))).toEqual(['/dev/disk/by-id/wwn-0x5000c500a1b2c3d4', '/dev/sdc']);
  expect(vdevPaths('  pool: tank\n state: ONLINE\nconfig:\n\n\tNAME  STATE\n\ttank  ONLINE\n\t  sdb  ONLINE\n\nerrors: No known data errors\n')).toEqual([]);
  expect(vdevPaths('')).toEqual([]);
});
