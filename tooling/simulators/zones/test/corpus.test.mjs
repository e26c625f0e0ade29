// The simulator against the corpus of what zoneadm prints (corpus/, with
// its sources): every state word reachable and listed in exactly the shape
// of the corpus's line for that state, the refusals word for word.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../guest-kit/lib/fixture.mjs';
import { patchZone, STATES } from '../lib/zones.mjs';

const corpus = (f) => readFileSync(new URL(`../corpus/${f}`, import.meta.url), 'utf8');
const host = SimHost.create(fileURLToPath(new URL('../bin', import.meta.url)), 'capsule-simzones-corpus-');
after(() => host.dispose());
const run = (...argv) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...host.env() } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
let n = 0;
function installed(zonepath = mkdtempSync(join(host.dir, 'zonepath-'))) {
  const name = `c${++n}`;
  assert.equal(run('zonecfg', '-z', name, `create -b; set zonepath=${zonepath}`).code, 0);
  assert.equal(run('zoneadm', '-z', name, 'install').code, 0);
  return { name, zonepath };
}
const put = (name, state) => patchZone(host.dir, name, { state });

/** A corpus line's shape: its id (a number or `-`), its state and its field count; names, paths and UUIDs vary. */
const shape = (line) => {
  const f = line.split(/(?<!\\):/);
  return { id: f[0] === '-' ? '-' : 'number', state: f[2], fields: f.length, ipType: f[6] };
};

test('the state words are the corpus\'s: libzonecfg\'s eight and Solaris 11\'s unavailable', () => {
  assert.deepEqual(STATES, ['configured', 'incomplete', 'installed', 'ready', 'mounted', 'running', 'shutting_down', 'down', 'unavailable']);
});

for (const line of corpus('list-p-illumos.txt').split('\n').filter(Boolean)) {
  const want = shape(line);
  test(`a ${want.state} zone is listed as the corpus line ${line.split(':').slice(0, 3).join(':')}:...`, () => {
    const { name } = installed();
    put(name, want.state);
    const out = run('zoneadm', '-z', name, 'list', '-p');
    assert.equal(out.code, 0);
    assert.deepEqual({ ...shape(out.out.trim()), ipType: want.ipType }, want);
    assert.equal(out.out.split('\n').length, 2);
    // Listed by -c whatever its state, as zone_print_list() walks the index.
    assert.ok(run('zoneadm', 'list', '-cp').out.includes(`:${name}:${want.state}:`));
  });
}

test('unavailable (Solaris 11) is listed like installed: no id', () => {
  const { name } = installed();
  put(name, 'unavailable');
  assert.match(run('zoneadm', '-z', name, 'list', '-p').out, new RegExp(`^-:${name}:unavailable:`));
});

test('a colon in the zonepath is escaped as in list-p-colon.txt', () => {
  const dir = mkdtempSync(join(host.dir, 'filer:vol-'));
  const { name } = installed(dir);
  const line = run('zoneadm', '-z', name, 'list', '-p').out.trim();
  assert.equal(line.split(/(?<!\\):/)[3], dir.replace(/:/g, '\\:'));
  assert.match(corpus('list-p-colon.txt'), /\/net\/filer\\:vol1\//);
});

test('the refusals are the corpus lines word for word, exit 1', () => {
  const lines = corpus('errors.txt').split('\n').filter(Boolean);
  const { name } = installed();
  const said = (r) => [r.code, r.err.trim().replace(new RegExp(`\\b${name}\\b`, 'g'), 'NAME')];
  assert.deepEqual(said(run('zoneadm', '-z', name, 'shutdown')), [1, lines[1]]);
  run('zoneadm', '-z', name, 'boot');
  assert.deepEqual(said(run('zoneadm', '-z', name, 'boot')), [1, lines[2]]);
  run('zoneadm', '-z', name, 'halt');
  assert.deepEqual(said(run('zoneadm', '-z', name, 'install')), [1, lines[4]]);
  host.fault('boot', 'denied once', name);
  assert.deepEqual(said(run('zoneadm', '-z', name, 'boot')), [1, lines[6]]);
  run('zoneadm', '-z', name, 'detach');
  assert.deepEqual(said(run('zoneadm', '-z', name, 'boot')), [1, lines[3]]);
  put(name, 'incomplete');
  assert.deepEqual(said(run('zoneadm', '-z', name, 'attach')), [1, lines[5]]);
  const missing = run('zoneadm', '-z', 'capsule-none', 'list', '-p');
  assert.deepEqual([missing.code, missing.err.trim()], [1, lines[0].replace('NAME', 'capsule-none')]);
});

test('halting a halted zone is no error (zoneadmd: the zone is in the state asked for)', () => {
  const { name } = installed();
  assert.deepEqual(run('zoneadm', '-z', name, 'halt'), { code: 0, out: '', err: 'zone is already halted\n' });
});

test('a usage error exits 2 (Z_USAGE)', () => {
  assert.equal(run('zoneadm', 'list', '-x').code, 2);
});

test('patchZone drops a pending transition and gives an active zone an id', () => {
  const { name } = installed();
  host.flag(name, 'shutdown-delay', '0');
  run('zoneadm', '-z', name, 'boot');
  run('zoneadm', '-z', name, 'shutdown');
  put(name, 'down');
  assert.match(run('zoneadm', '-z', name, 'list', '-p').out, new RegExp(`^\\d+:${name}:down:`));
  assert.equal(run('zoneadm', '-z', name, 'halt').code, 0);
  assert.match(run('zoneadm', '-z', name, 'list', '-p').out, new RegExp(`^-:${name}:installed:`));
});
