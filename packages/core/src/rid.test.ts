import { isCapsuleError } from './errors.js';
import { compareRid, isRid, parseRid } from './rid.js';

test.each([
  ['ip#1', 'ip', '1'],
  ['sync#i0', 'sync', 'i0'],
  ['ip#1sm', 'ip', '1sm'],
  ['container#0', 'container', '0'],
  ['fs#data', 'fs', 'data'],
  ['disk#vg.data-1', 'disk', 'vg.data-1'],
])('%s parses as group %s index %s', (text, group, index) => {
  expect(parseRid(text)).toEqual({ rid: text, group, index });
  expect(isRid(text)).toBe(true);
});

test.each(['ip', '#1', 'ip#', 'IP#1', 'ip#1#2', 'ip 1', 'ip# 1', '', '1ip#1'])('%j is refused with InvalidRid', (text) => {
  expect(isRid(text)).toBe(false);
  try {
    parseRid(text);
    throw new Error('accepted');
  } catch (e) {
    expect(isCapsuleError(e) && e.code).toBe('InvalidRid');
    expect(isCapsuleError(e) && e.hint).toContain('group#index');
  }
});

test.each([
  [['ip#10', 'ip#2', 'ip#1'], ['ip#1', 'ip#2', 'ip#10']],
  [['sync#i1', 'sync#i0', 'sync#1'], ['sync#1', 'sync#i0', 'sync#i1']],
  [['app#b', 'app#a10', 'app#a9'], ['app#a9', 'app#a10', 'app#b']],
  [['fs#01', 'fs#1'], ['fs#1', 'fs#01']],
])('natural order of %j', (input, sorted) => {
  expect([...input].sort(compareRid)).toEqual(sorted);
});
