import { drift, parseStat, type Inode, type Wanted } from './owner.js';

test.each<[string, Inode | undefined]>([
  ['0 0 755\n', { uid: 0, gid: 0, mode: 0o755 }],
  ['1000 100 1777', { uid: 1000, gid: 100, mode: 0o1777 }],
  ['stat: cannot statx', undefined],
  ['', undefined],
])('stat line %j', (line, inode) => expect(parseStat(line)).toEqual(inode));

const is: Inode = { uid: 0, gid: 0, mode: 0o755 };
test.each<[Wanted, string[]]>([
  [{}, []],
  [{ uid: 0, gid: 0, mode: 0o755 }, []],
  [{ uid: 65534 }, ['uid should be 65534 but is 0']],
  [{ gid: 100 }, ['gid should be 100 but is 0']],
  [{ mode: 0o1777 }, ['perm should be 1777 but is 755']],
  [{ uid: 1, gid: 2, mode: 0o700 }, ['uid should be 1 but is 0', 'gid should be 2 but is 0', 'perm should be 700 but is 755']],
])('wanted %j: %j', (wanted, lines) => expect(drift(wanted, is)).toEqual(lines));
