// Fidelity of the jail simulator: arguments, output formats, exit codes and
// the jail's lifetime as jail(8), jls(8) and jexec(8) have them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../guest-kit/lib/fixture.mjs';

const host = SimHost.create(fileURLToPath(new URL('../bin', import.meta.url)), 'capsule-simjail-');
after(() => host.dispose());
const run = (argv, input) => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', input, env: { ...process.env, ...host.env() } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
function root(rc = 'exit 0') {
  const r = mkdtempSync(join(host.dir, 'root-'));
  mkdirSync(join(r, 'etc'));
  writeFileSync(join(r, 'etc/rc'), `${rc}\n`);
  return r;
}

test('jail -c runs the command in the jail and waits for it; the note, the jid with -i', () => {
  const r = root('echo "rc as $CAPSULE_NODENAME in $CAPSULE_ROOT"; touch "$CAPSULE_ROOT/rc.done"');
  assert.deepEqual(run(['jail', '-c', 'name=j1', `path=${r}`, 'host.hostname=j1.example', 'ip4.addr=198.51.100.5', 'persist', 'command=/bin/sh', '/etc/rc']), {
    code: 0,
    out: `j1: created\nrc as j1.example in ${r}\n`,
    err: '',
  });
  assert.equal(run(['jail', '-c', 'name=j1', `path=${r}`]).err, 'jail: j1: already exists\n');
  assert.match(run(['jail', '-ci', 'name=j2', `path=${root()}`, 'persist']).out, /^\d+\n$/);
  assert.equal(run(['jail', '-r', 'j2']).code, 0);
});

test('jls: the default columns, -N, -v, named parameters, --libxo json; -j of a missing jail', () => {
  const r = root();
  run(['jail', '-c', 'name=j3', `path=${r}`, 'host.hostname=h3', 'ip4.addr=198.51.100.6,198.51.100.7', 'persist']);
  const line = run(['jls']).out.split('\n').find((l) => l.includes(r));
  assert.match(line, /^ +\d+ {2}198\.51\.100\.6 {4}h3 +\//);
  assert.equal(run(['jls', '-j', 'j3', 'name', 'path']).out, `j3 ${r}\n`);
  assert.equal(run(['jls', '-n', '-j', 'j3', 'name']).out, 'name=j3\n');
  const json = JSON.parse(run(['jls', '--libxo', 'json', '-v', '-j', 'j3']).out);
  assert.equal(json.__version, '2');
  assert.deepEqual(Object.keys(json['jail-information'].jail[0]), ['jid', 'hostname', 'path', 'name', 'state', 'cpusetid', 'ipv4_addrs', 'ipv6_addrs']);
  assert.deepEqual(json['jail-information'].jail[0].ipv4_addrs, ['198.51.100.6', '198.51.100.7']);
  assert.deepEqual(Object.keys(JSON.parse(run(['jls', '--libxo=json']).out)['jail-information'].jail[0]), ['jid', 'ipv4', 'hostname', 'path']);
  assert.deepEqual(run(['jls', '-j', 'nosuch']), { code: 1, out: '', err: 'jls: jail "nosuch" not found\n' });
  run(['jail', '-r', 'j3']);
});

test('jexec: argv as given, stdin, exit status, the jail root and name; -l a clean environment', () => {
  const r = root();
  run(['jail', '-c', 'name=j4', `path=${r}`, 'persist']);
  assert.deepEqual(run(['jexec', 'j4', 'printf', '<%s>', 'a  b']), { code: 0, out: '<a  b>', err: '' });
  assert.equal(run(['jexec', 'j4', 'sh', '-c', 'cat; exit 5'], 'in\n').out, 'in\n');
  assert.equal(run(['jexec', 'j4', 'sh', '-c', 'exit 5']).code, 5);
  assert.equal(run(['jexec', '-l', 'j4', 'sh', '-c', 'echo "$CAPSULE_NODENAME $CAPSULE_ROOT ${CAPSULE_SIM_STATE:-clean}"']).out, `j4 ${r} clean\n`);
  // A path of the jail's own filesystem is the jail's file.
  assert.equal(run(['jexec', 'j4', 'cat', '/etc/rc']).out, 'exit 0\n');
  assert.equal(run(['jexec', 'j4', 'no-such-command']).code, 127);
  assert.deepEqual(run(['jexec', 'nosuch', 'true']), { code: 1, out: '', err: 'jexec: jail "nosuch" not found\n' });
  run(['jail', '-r', 'j4']);
});

test('a failing command removes the jail again; jail -r of a missing jail; a path that is not there', () => {
  const r = root('exit 2');
  assert.deepEqual(run(['jail', '-c', 'name=j5', `path=${r}`, 'persist', 'command=/bin/sh', '/etc/rc']), { code: 1, out: 'j5: created\n', err: 'jail: j5: /bin/sh /etc/rc: failed\n' });
  assert.equal(run(['jls', '-j', 'j5']).code, 1);
  assert.deepEqual(run(['jail', '-r', 'j5']), { code: 1, out: '', err: 'jail: "j5" not found\n' });
  assert.equal(run(['jail', '-c', 'name=j6', 'path=/nonexistent/capsule']).err, 'jail: j6: path /nonexistent/capsule: No such file or directory\n');
});

test('faults: the kernel refusing the jail, a busy removal, slow calls', () => {
  const r = root();
  host.fault('create', 'denied once', 'j7');
  assert.deepEqual(run(['jail', '-c', 'name=j7', `path=${r}`]), { code: 1, out: '', err: 'jail: j7: jail_set: Operation not permitted\n' });
  run(['jail', '-c', 'name=j7', `path=${r}`, 'persist']);
  host.fault('remove', 'busy once', 'j7');
  assert.equal(run(['jail', '-r', 'j7']).err, 'jail: j7: jail_remove: Device busy\n');
  host.fault('remove', 'slow 1', 'j7');
  const t0 = Date.now();
  assert.deepEqual(run(['jail', '-r', 'j7']), { code: 0, out: 'j7: removed\n', err: '' });
  assert.ok(Date.now() - t0 >= 1000);
});

const corpus = (f) => readFileSync(new URL(`../corpus/${f}`, import.meta.url), 'utf8');

test('a dying jail: jail -r of a jail whose references linger leaves it DYING, listed by jls -d only, and a new jail takes its name, as the corpus shows', () => {
  const r = root();
  run(['jail', '-c', 'name=j8', `path=${r}`, 'host.hostname=j8.example', 'ip4.addr=192.0.2.10', 'persist']);
  host.flag('j8', 'linger');
  assert.deepEqual(run(['jail', '-r', 'j8']), { code: 0, out: 'j8: removed\n', err: '' });
  assert.deepEqual(run(['jls', '-j', 'j8']), { code: 1, out: '', err: 'jls: jail "j8" is dying\n' });
  assert.equal(run(['jexec', 'j8', 'true']).code, 1);
  assert.equal(run(['jls', '-j', 'j8', '-d', 'dying']).out, 'true\n');
  assert.deepEqual(run(['jail', '-c', 'name=j8', `path=${r}`, 'host.hostname=j8.example', 'ip4.addr=192.0.2.10', 'persist']).code, 0);
  const json = JSON.parse(run(['jls', '-d', '--libxo', 'json', '-v']).out)['jail-information'].jail.filter((j) => j.name === 'j8');
  const sample = JSON.parse(corpus('jls-dying-reused.json'))['jail-information'].jail;
  assert.deepEqual(json.map((j) => [Object.keys(j), j.state]), sample.map((j) => [Object.keys(j), j.state]));
  assert.ok(json[0].jid < json[1].jid);
  // The text form: the corpus header, then each jail's four lines in the corpus's columns.
  const text = run(['jls', '-d', '-v']).out.split('\n');
  const lines = corpus('jls-dying-reused.txt').split('\n');
  assert.deepEqual(text.slice(0, 4), lines.slice(0, 4));
  // jls.c's formats: "%6d  %-29.29s %.74s", then "        %-29.29s %s" (state), "        %d" (cpuset), an address a line.
  const shape = [/^[ \d]{5}\d {2}.{29} \S+$/, /^ {8}.{29} (ACTIVE|DYING)$/, /^ {8}\d+$/, /^ {8}[\d.:a-f]+$/];
  const at = text.findIndex((l) => l.startsWith('        j8 '));
  for (const [block, where] of [[text.slice(at - 1, at + 3), 'simulator'], [lines.slice(4, 8), 'corpus'], [lines.slice(8, 12), 'corpus']]) block.forEach((l, i) => assert.match(l, shape[i], where));
  assert.deepEqual(JSON.parse(run(['jls', '--libxo', 'json', '-v']).out)['jail-information'].jail.filter((j) => j.name === 'j8').map((j) => j.state), ['ACTIVE']);
  run(['jail', '-r', 'j8']);
});
