// The generated completion, run by a real bash: COMP_WORDS as bash sets
// them for a line being completed, the function called, COMPREPLY printed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completionScript } from './completion.js';
import { nodemgr } from './programs/nodemgr.js';
import { svcmgr } from './programs/svcmgr.js';
import { svcmon } from './programs/svcmon.js';

const root = mkdtempSync(join(tmpdir(), 'capsule-completion-'));
const script = join(root, 'capsule.bash');
beforeAll(() => {
  mkdirSync(join(root, 'etc/capsule'), { recursive: true });
  writeFileSync(join(root, 'etc/capsule/node.conf'), '[cluster]\n');
  writeFileSync(join(root, 'etc/capsule/web.conf'), '[DEFAULT]\nnodes = hv1\n\n[ip#0]\nipname = 198.51.100.10\n\n[app#web]\nscript = run\n');
  writeFileSync(join(root, 'etc/capsule/db.conf'), '[DEFAULT]\n');
  writeFileSync(script, completionScript('bash', [svcmgr, nodemgr, svcmon]));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What bash completes for `line` (the cursor at its end; a trailing space starts a new word). */
function complete(line: string): string[] {
  const words = line.split(' ');
  const program = words[0]!;
  const body = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _capsule_${program}; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', body], { env: { CAPSULE_ROOT: root, PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, encoding: 'utf8' }).split('\n').filter(Boolean).sort();
}

test.each([
  ['svcmgr -s ', ['db', 'web']],
  ['svcmgr -s w', ['web']],
  ['svcmgr --service web pr', ['print']],
  ['svcmgr -s web print ', ['config', 'status']],
  ['svcmgr -s web start --rid ', ['app#web', 'ip#0']],
  ['svcmgr -s web start --rid i', ['ip#0']],
  ['svcmgr -s web --format ', ['json', 'text']],
  ['nodemgr daem', ['daemon']],
  ['nodemgr completion', ['completion']],
  ['nodemgr driver ', ['add', 'list', 'relink', 'remove']],
  ['nodemgr driver re', ['relink', 'remove']],
  ['svcmon --w', ['--watch']],
])('%j completes to %j', (line, expected) => expect(complete(line)).toEqual(expected));

test('a command\'s options come after its words, with the global ones', () => {
  const opts = complete('svcmgr -s web start --');
  expect(opts).toEqual(expect.arrayContaining(['--rid', '--service', '--format']));
  expect(complete('nodemgr set --p')).toEqual(['--param']);
  expect(complete('nodemgr driver add --f')).toEqual(['--force', '--format']);
});

test('zsh gets the same functions through bashcompinit', () => {
  expect(completionScript('zsh', [svcmgr])).toMatch(/^# capsule completion for zsh[^\n]*\nautoload -U \+X bashcompinit && bashcompinit\n_capsule_svcmgr\(\) \{/);
});
