// Nova's server states to capsule's status, tested against the corpus of
// what Nova answers (tooling/simulators/openstack/corpus, with its sources).
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync as readReadme } from 'node:fs';
import { STATES as DECLARED } from './status.js';
import { readFileSync } from 'node:fs';
import { serverRow, serverWord, STATES, statusOfServer, type ServerState } from './status.js';

const corpus = (f: string) => readFileSync(new URL(`../../../tooling/simulators/openstack/corpus/${f}`, import.meta.url), 'utf8');
const words = (f: string) => corpus(f).split('\n').filter(Boolean);
const MAP = JSON.parse(corpus('state-map.json')) as Record<string, Record<string, string>>;
/** nova's status_from_state, over the corpus map. */
const novaStatus = (vm: string, task: string | null) => (task === null ? undefined : MAP[vm]?.[task]) ?? MAP[vm]?.['default'] ?? 'UNKNOWN';
const server = (status: string, task: string | null = null): ServerState => ({ status, 'OS-EXT-STS:task_state': task });
const logOf = (r: { status: string; why: string; note?: string }, word: string) => {
  const level = r.status === 'warn' ? 'warn' : r.note;
  return level ? [`${level}: server vm1 is ${word} (Nova): ${r.why}`] : [];
};

test.each(STATES.map((r) => [r.word, r.status, r] as const))('the declared table: %s reads %s, with its reason in the log', (word, status, row) => {
  const [, st, task] = /^(\S+)(?: \((.+)\))?$/.exec(word)!;
  expect(serverWord(server(st!, task ?? null))).toBe(word);
  expect(statusOfServer('vm1', server(st!, task ?? null))).toEqual({ status, log: logOf(row, word) });
});

test('the table holds every status the API reference lists, and no other', () => {
  expect(STATES.map((r) => r.word).filter((w) => !w.includes(' ')).sort()).toEqual(words('statuses.txt').sort());
});

test.each<[string, string, ReturnType<typeof statusOfServer>]>([
  ['server-get-resp.json', 'ACTIVE', { status: 'up', log: [] }],
  ['server-get-resp-v2.69-down-cell.json', 'UNKNOWN', { status: 'warn', log: ['warn: server vm1 is UNKNOWN (Nova): Nova cannot tell (the cell or compute host is down): it may run'] }],
])('corpus: %s is %s', (f, word, expected) => {
  const s = (JSON.parse(corpus(f)) as { server: ServerState }).server;
  expect(serverWord(s)).toBe(word);
  expect(statusOfServer('vm1', s)).toEqual(expected);
});

test.each<[string, string | null, string, ReturnType<typeof statusOfServer>]>([
  // A task Nova leaves out of the status: the server is mid-change, never plainly up or down.
  ['ACTIVE', 'image_snapshot', 'ACTIVE (image_snapshot)', { status: 'warn', log: ["warn: server vm1 is ACTIVE (image_snapshot) (Nova): Nova's task image_snapshot is under way"] }],
  ['SHUTOFF', 'deleting', 'SHUTOFF (deleting)', { status: 'warn', log: ["warn: server vm1 is SHUTOFF (deleting) (Nova): Nova's task deleting is under way"] }],
  ['SHUTOFF', null, 'SHUTOFF', { status: 'down', log: [] }],
  ['SHELVED_OFFLOADED', null, 'SHELVED_OFFLOADED', { status: 'down', log: ['warn: server vm1 is SHELVED_OFFLOADED (Nova): shelved and removed from its host: it does not run (openstack server unshelve)'] }],
  ['SUSPENDED', 'resuming', 'SUSPENDED (resuming)', { status: 'warn', log: ["warn: server vm1 is SUSPENDED (resuming) (Nova): Nova's task resuming is under way"] }],
  // A task on a status that warns anyway: the status's reason, the task named.
  ['PAUSED', 'unpausing', 'PAUSED (unpausing)', { status: 'warn', log: ['warn: server vm1 is PAUSED (unpausing) (Nova): paused in memory, not serving; capsule starts SHUTOFF servers only (openstack server unpause)'] }],
  // Statuses and tasks a newer Nova may print: warn with Nova's words.
  ['HIBERNATED', null, 'HIBERNATED', { status: 'warn', log: ['warn: server vm1 is in a state capsule does not know: Nova says HIBERNATED'] }],
  ['HIBERNATED', 'waking', 'HIBERNATED (waking)', { status: 'warn', log: ['warn: server vm1 is in a state capsule does not know: Nova says HIBERNATED (waking)'] }],
])('%s with task %s reads as %s', (status, task, word, expected) => {
  expect(serverWord(server(status, task))).toBe(word);
  expect(statusOfServer('vm1', server(status, task))).toEqual(expected);
});

// capsule's start runs os-start on SHUTOFF only: every other down status waits for someone, so it says so at warn level.
test.each(['DELETED', 'SHELVED', 'SHELVED_OFFLOADED', 'SOFT_DELETED', 'SUSPENDED'])('%s is down with a warning: start refuses it', (word) => {
  const why = STATES.find((r) => r.word === word)!.why;
  expect(statusOfServer('vm1', server(word))).toEqual({ status: 'down', log: [`warn: server vm1 is ${word} (Nova): ${why}`] });
});

test('a server shown without OS-EXT-STS attributes (a policy hides them) reads by its status', () => {
  expect(statusOfServer('vm1', { status: 'ACTIVE' })).toEqual({ status: 'up', log: [] });
  expect(serverRow({ status: 'SHUTOFF' })).toBe(STATES.find((r) => r.word === 'SHUTOFF'));
});

test('every vm_state and task_state of the corpus: up only when ACTIVE with no task; a task never leaves it plainly down', () => {
  for (const vm of Object.keys(MAP)) {
    for (const task of [null, ...words('task-states.txt')]) {
      const status = novaStatus(vm, task);
      const s = statusOfServer('vm1', server(status, task));
      expect([vm, task, s.status === 'up']).toEqual([vm, task, status === 'ACTIVE' && task === null]);
      if (task !== null) expect([vm, task, s.status]).toEqual([vm, task, 'warn']);
      if (s.status === 'warn') expect(s.log.join('\n')).toContain(serverWord(server(status, task)));
    }
  }
});

test('the README shows the declared state table', () => {
  expect(readmeStateTable(readReadme(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(DECLARED.map(({ word, status, why }) => ({ word, status, why })));
});
