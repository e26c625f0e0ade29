// The man pages as man reads them: each rendered by groff with every
// warning on (none may be printed), the program pages naming every
// command of their table, capsule.conf every installed driver's section.
import { spawnSync } from 'node:child_process';
import { cli } from './cli.js';
import { nodemgr } from '../src/programs/nodemgr.js';
import { svcmgr } from '../src/programs/svcmgr.js';
import { svcmon } from '../src/programs/svcmon.js';

const env = { CAPSULE_ROOT: '/nonexistent-capsule-root' };

function render(page: string): string {
  const r = cli('nodemgr', ['man', page], env);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  // -ww: every warning, on stderr, which must stay empty.
  const g = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-P-c', '-P-b', '-P-u'], { input: r.stdout, encoding: 'utf8' });
  expect(g.stderr).toBe('');
  return g.stdout;
}

test.each([
  ['svcmgr', svcmgr],
  ['nodemgr', nodemgr],
  ['svcmon', svcmon],
])('%s(8) names every command and option of its table', (name, program) => {
  const text = render(name).replace(/\u2010\n\s*/g, '').replace(/\s+/g, ' ');
  expect(text).toContain(`${name.toUpperCase()}(8)`);
  for (const c of program.commands) expect(text).toContain(c.words.join(' '));
  for (const o of [...program.options, ...program.commands.flatMap((c) => c.options ?? [])]) expect(text).toContain(`--${o.name}`);
});

test('capsule.conf(5) has the service and resource keywords, and a section per installed driver', () => {
  const text = render('capsule.conf').replace(/\s+/g, ' ');
  const drivers = JSON.parse(cli('nodemgr', ['drivers', '--format', 'json'], env).stdout) as Array<{ provides: string[] }>;
  for (const key of drivers.flatMap((d) => d.provides)) {
    const [group, type] = key.split('.');
    expect(text).toContain(`${group!.toUpperCase()}#N WITH TYPE = ${(type ?? group)!.toUpperCase()}`);
  }
  for (const k of ['orchestrate', 'nodes', 'restart', 'ipname', 'netmask', 'virtinst', 'push_agent']) expect(text).toMatch(new RegExp(`\\b${k}\\b`));
  expect(text).not.toContain('keywords unreadable here');
});

test('an unknown page is a usage error naming the pages', () => {
  expect(cli('nodemgr', ['man', 'svcmgr.conf'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('one of svcmgr, nodemgr, svcmon, capsule.conf') });
});
