import { quorum } from './quorum.js';

const two = ['hv1', 'hv2'];
const three = ['hv1', 'hv2', 'hv3'];
const four = ['hv1', 'hv2', 'hv3', 'hv4'];

test.each([
  ['one node', ['hv1'], ['hv1'], undefined, true],
  ['3 of 3', three, three, undefined, true],
  ['2 of 3', three, ['hv2', 'hv3'], undefined, true],
  ['1 of 3', three, ['hv1'], undefined, false],
  ['1 of 3 even with the arbitrator', three, ['hv1'], { reachable: true, seen: ['hv1'] }, false],
  ['1 of 2, no arbitrator', two, ['hv2'], undefined, false],
  ['1 of 2, arbitrator unreachable', two, ['hv2'], { reachable: false, seen: [] }, false],
  ['1 of 2, the arbitrator no longer hears the peer: it is down', two, ['hv2'], { reachable: true, seen: ['hv2'] }, true],
  ['1 of 2 split, this half holds the first node', two, ['hv1'], { reachable: true, seen: ['hv1', 'hv2'] }, true],
  ['1 of 2 split, the other half holds the first node', two, ['hv2'], { reachable: true, seen: ['hv1', 'hv2'] }, false],
  ['2 of 4 split, the other half holds hv1', four, ['hv3', 'hv4'], { reachable: true, seen: four }, false],
  ['2 of 4 split, hv1 is down, hv2 is across the split', four, ['hv3', 'hv4'], { reachable: true, seen: ['hv2', 'hv3', 'hv4'] }, false],
  ['2 of 4, the others are down', four, ['hv3', 'hv4'], { reachable: true, seen: ['hv3', 'hv4'] }, true],
  ['unknown nodes do not count', two, ['hv2', 'intruder'], undefined, false],
] as const)('%s', (_, nodes, alive, arbitrator, expected) => {
  expect(quorum({ nodes, alive, ...(arbitrator ? { arbitrator } : {}) }).quorum).toBe(expected);
});
