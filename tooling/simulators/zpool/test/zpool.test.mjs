// The zpool simulator's fidelity: OpenZFS's zpool output, messages and exit codes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ZpoolDisks, ZPOOL_BIN } from '../lib/fixture.mjs';

const all = [];
after(() => all.forEach((d) => d.dispose()));
function disks() {
  const d = new ZpoolDisks();
  all.push(d);
  return d;
}
function zpool(d, host, ...args) {
  return new Promise((resolve) => {
    const child = spawn(join(ZPOOL_BIN, 'zpool'), args, { env: { ...process.env, ...d.env(host) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('import, list -H -o name,health, get/set multihost, export; the not-imported pool cannot be opened', async () => {
  const d = disks();
  d.pool('tank');
  assert.deepEqual(await zpool(d, 'hv1', 'list', '-H', '-o', 'name,health', 'tank'), { code: 1, stdout: '', stderr: "cannot open 'tank': no such pool\n" });
  assert.equal((await zpool(d, 'hv1', 'import', '-f', '-o', 'cachefile=/var/lib/capsule/zpool.cache', 'tank')).code, 0);
  assert.deepEqual(await zpool(d, 'hv1', 'list', '-H', '-o', 'name,health', 'tank'), { code: 0, stdout: 'tank\tONLINE\n', stderr: '' });
  const table = (await zpool(d, 'hv1', 'list', 'tank')).stdout.split('\n');
  assert.equal(table[0], 'NAME   SIZE  ALLOC   FREE  CKPOINT  EXPANDSZ   FRAG    CAP  DEDUP    HEALTH  ALTROOT');
  assert.deepEqual(table[1].split(/\s+/), ['tank', '960M', '1.02M', '960M', '-', '-', '0%', '0%', '1.00x', 'ONLINE', '-']);
  assert.equal((await zpool(d, 'hv1', 'get', '-H', '-o', 'value', 'multihost', 'tank')).stdout, 'off\n');
  assert.equal((await zpool(d, 'hv1', 'set', 'multihost=on', 'tank')).code, 0);
  assert.equal((await zpool(d, 'hv1', 'get', 'multihost', 'tank')).stdout, 'NAME  PROPERTY   VALUE  SOURCE\ntank  multihost  on     local\n');
  assert.equal(d.state('tank').cachefile, '/var/lib/capsule/zpool.cache');
  const again = await zpool(d, 'hv1', 'import', 'tank');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^cannot import 'tank': a pool with that name already exists\n/);
  d.fault('tank', 'busy');
  assert.deepEqual(await zpool(d, 'hv1', 'export', 'tank'), { code: 1, stdout: '', stderr: "cannot export 'tank': pool is busy\n" });
  assert.equal((await zpool(d, 'hv1', 'export', '-f', 'tank')).code, 0);
  assert.deepEqual(await zpool(d, 'hv1', 'export', 'tank'), { code: 1, stdout: '', stderr: "cannot open 'tank': no such pool\n" });
  assert.deepEqual(await zpool(d, 'hv1', 'import', 'nope'), { code: 1, stdout: '', stderr: "cannot import 'nope': no such pool available\n" });
});

test('a pool left active by another host needs -f; with multihost on, -f cannot take it while the other host has it', async () => {
  const d = disks();
  d.pool('tank', { importedOn: ['hv2'], lastHost: 'hv2' });
  const r = await zpool(d, 'hv1', 'import', 'tank');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^cannot import 'tank': pool was previously in use from another system\.\nLast accessed by hv2 \(hostid=[0-9a-f]+\) at .+\nThe pool can be imported, use 'zpool import -f' to import the pool\.\n$/);
  d.pool('mmp', { importedOn: ['hv2'], lastHost: 'hv2', multihost: 'on' });
  const m = await zpool(d, 'hv1', 'import', '-f', 'mmp');
  assert.equal(m.code, 1);
  assert.match(m.stderr, /^cannot import 'mmp': pool is imported on hv2 \(hostid: 0x[0-9a-f]+\)\nExport the pool on the other system, then run 'zpool import'\.\n$/);
  assert.equal((await zpool(d, 'hv2', 'export', 'mmp')).code, 0);
  assert.equal((await zpool(d, 'hv1', 'import', 'mmp')).code, 0);
  d.fault('mmp', 'health', 'DEGRADED');
  assert.equal((await zpool(d, 'hv1', 'list', '-H', '-o', 'name,health', 'mmp')).stdout, 'mmp\tDEGRADED\n');
  assert.equal((await zpool(d, 'hv1', 'bogus')).code, 2);
});

test('status -L -P: the vdev tree with full paths (corpus/status-LP-mirror.txt); short names without -P; cannot open when not imported', async () => {
  const d = disks();
  d.pool('tank', { importedOn: ['hv1'], vdevs: ['/dev/disk/by-id/wwn-0x5000c500a1b2c3d4', '/dev/sdc'], layout: 'mirror' });
  const corpus = readFileSync(new URL('../corpus/status-LP-mirror.txt', import.meta.url), 'utf8');
  assert.deepEqual(await zpool(d, 'hv1', 'status', '-L', '-P', 'tank'), { code: 0, stdout: corpus, stderr: '' });
  assert.match((await zpool(d, 'hv1', 'status', 'tank')).stdout, /^\t {4}sdc {2,}ONLINE/m);
  assert.deepEqual(await zpool(d, 'hv2', 'status', '-P', 'tank'), { code: 1, stdout: '', stderr: "cannot open 'tank': no such pool\n" });
});
