import { parseRequires, unmetRequirement } from './requires.js';

test.each<[string, object[]]>([
  ['', []],
  ['ip#0', [{ rid: 'ip#0', states: ['up', 'stdby up'] }]],
  ['ip#0 fs#0(down,stdby down)', [{ rid: 'ip#0', states: ['up', 'stdby up'] }, { rid: 'fs#0', states: ['down', 'stdby down'] }]],
  ['  app#1(warn)\tfs#data(up) ', [{ rid: 'app#1', states: ['warn'] }, { rid: 'fs#data', states: ['up'] }]],
])('parse %j', (text, reqs) => expect(parseRequires(text, 'app#1.start_requires')).toEqual(reqs));

const states: Record<string, string> = { 'ip#0': 'up', 'fs#0': 'stdby up', 'app#1': 'down' };
const stateOf = async (rid: string) => states[rid];

test.each<[string, string | undefined]>([
  ['ip#0 fs#0', undefined],
  ['app#1', 'app#1 must be up or stdby up, it is down'],
  ['app#1(down) ip#0(down)', 'ip#0 must be down, it is up'],
  ['fs#9', undefined],
])('%s: %s', async (text, unmet) => expect(await unmetRequirement(parseRequires(text, 'x'), stateOf)).toBe(unmet));
