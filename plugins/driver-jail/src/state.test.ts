// jls's states read as capsule's status, against the corpus of what jls
// prints (tooling/simulators/jail/corpus).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from './state.js';
import { readFileSync } from 'node:fs';
import { parseJls, pickJail, startCreates, STATES, statusOfJail, type JlsJail } from './state.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/jail/corpus/${f}`, import.meta.url), 'utf8');
const jails = parseJls(corpus('jls-dying-reused.json'))!;

test.each<[string, string, string[]]>([
  ['ACTIVE', 'up', []],
  ['DYING', 'warn', [`warn: jail web1 is DYING (jls): ${STATES[1]!.why}`]],
  // jls prints only ACTIVE or DYING today; a later word warns with it.
  ['SUSPENDED', 'warn', ['warn: jail web1 is in a state capsule does not know: jls says SUSPENDED']],
])('a jail jls lists %s reads %s', (state, status, log) => expect(statusOfJail('web1', { jid: 4, name: 'web1', state })).toEqual({ status, log }));

test('every state of the corpus is a row of the table', () => expect(jails.map((j) => STATES.find((r) => r.word === j.state)?.status)).toEqual(['warn', 'up']));

test.each<[string | undefined, string[]]>([
  [undefined, []],
  ['/jails/web1', ['warn: the root of jail web1, /jails/web1, does not exist']],
])('no jail (root missing: %s): down', (root, log) => expect(statusOfJail('web1', undefined, root)).toEqual({ status: 'down', log }));

test('only a dying jail of the name: start makes a new one beside it (it refused before: "cannot start before it is gone")', () => {
  expect([startCreates(pickJail(jails.slice(0, 1), 'web1')), startCreates(pickJail(jails, 'web1')), startCreates(undefined)]).toEqual([true, false, true]);
});

test('the jail a name means: the live one, else the newest dying one; other jails are not it', () => {
  const [dying, live] = jails as [JlsJail, JlsJail];
  const db1 = { ...live, jid: 9, hostname: 'db1.example', path: '/jails/db1', name: 'db1' };
  expect(pickJail([dying, live, db1], 'db1')).toBe(db1);
  expect(pickJail([dying, live, db1], 'web1')).toBe(live);
  // Removed again before the first died: two dying jails of the name, the newest is the jail.
  const dyingAgain = { ...live, state: 'DYING' };
  expect(pickJail([dying, dyingAgain], 'web1')).toBe(dyingAgain);
  expect(statusOfJail('web1', pickJail([dying, dyingAgain], 'web1'))).toEqual({ status: 'warn', log: [`warn: jail web1 is DYING (jls): ${STATES[1]!.why}`] });
  // A jail.conf with a fixed jid (jid = 2) starts web1 below the dying one's automatic jid: jls lists it first.
  const fixed = { ...live, jid: 2 };
  expect(pickJail([fixed, { ...dying, jid: 11 }], 'web1')).toBe(fixed);
});

test('a jail listed without a state word (jls prints it only with -v) warns with an empty word, never up', () => {
  expect(statusOfJail('web1', { jid: 4, name: 'web1' })).toEqual({ status: 'warn', log: ['warn: jail web1 is in a state capsule does not know: jls says '] });
});

test.each(['', 'jls: unknown parameter: x', '{"__version": "2"}', '{"__version": "2", "jail-information": {}}'])('%j is no jail list', (out) => expect(parseJls(out)).toBeUndefined());
test('an empty list is a list', () => expect(parseJls('{"__version": "2", "jail-information": {"jail": []}}')).toEqual([]));

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
