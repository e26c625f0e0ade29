// Every scenario folder through the simulator: the log must match
// expected.log line for line, and no failover service may be up on two
// nodes at once unless the scenario documents that hazard.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCmdlist, simulate } from '../src/index.js';

const root = new URL('../scenarios/', import.meta.url).pathname;
const scenarios = readdirSync(root).sort();

test('there are at least 30 scenarios', () => expect(scenarios.length).toBeGreaterThanOrEqual(30));

test.each(scenarios)('%s', (name) => {
  const dir = join(root, name);
  const r = simulate(JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')), parseCmdlist(readFileSync(join(dir, 'cmdlist'), 'utf8'), join(dir, 'cmdlist')));
  // UPDATE_SCENARIOS=1 rewrites expected.log after a deliberate change of behaviour: review the diff.
  if (process.env['UPDATE_SCENARIOS']) writeFileSync(join(dir, 'expected.log'), r.log.join('\n') + '\n');
  expect(r.log.join('\n') + '\n').toBe(readFileSync(join(dir, 'expected.log'), 'utf8'));
  if (!existsSync(join(dir, 'ALLOWS_DOUBLE_START'))) expect(r.doubleStarts).toEqual([]);
  else expect(r.doubleStarts).not.toEqual([]);
});

// The same scenarios on the etcd backend, unchanged: the store carries membership and placement, cuts between nodes
// change nothing there, `hb-loss` cuts a node off from the store. Their logs are kept beside (expected-etcd.log);
// a hazard a scenario documents for heartbeats may happen here too, nothing else may.
const hbOnly = scenarios.filter((name) => JSON.parse(readFileSync(join(root, name, 'cluster.json'), 'utf8')).backend !== 'etcd');
test.each(hbOnly)('%s, on etcd', (name) => {
  const dir = join(root, name);
  const cluster = { ...JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')), backend: 'etcd', arbitrator: false };
  const r = simulate(cluster, parseCmdlist(readFileSync(join(dir, 'cmdlist'), 'utf8'), join(dir, 'cmdlist')));
  if (process.env['UPDATE_SCENARIOS']) writeFileSync(join(dir, 'expected-etcd.log'), r.log.join('\n') + '\n');
  expect(r.log.join('\n') + '\n').toBe(readFileSync(join(dir, 'expected-etcd.log'), 'utf8'));
  if (!existsSync(join(dir, 'ALLOWS_DOUBLE_START'))) expect(r.doubleStarts).toEqual([]);
});

test.each([
  ['0 boot hv1', /cmdlist:1: expected "SECONDS EVENT ARGS"/],
  ['x node-down hv1', /cmdlist:1:/],
  ['# comment\n\n3 node-down', null],
])('cmdlist %j', (text, error) => {
  if (error) expect(() => parseCmdlist(text)).toThrow(error);
  else expect(parseCmdlist(text)).toEqual([{ at: 3, event: 'node-down', args: [] }]);
});
