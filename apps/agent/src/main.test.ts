import { svcmgrCommand } from './main.js';

test.each([
  [[], ['svcmgr']],
  [['--svcmgr', '/opt/capsule/dist/bin/svcmgr.js'], ['/usr/bin/node', '/opt/capsule/dist/bin/svcmgr.js']],
  [['--svcmgr', '/usr/local/bin/svcmgr'], ['/usr/local/bin/svcmgr']],
])('capsule-agent %j runs actions with %j', (argv, cmd) => expect(svcmgrCommand(argv, '/usr/bin/node')).toEqual(cmd));

test.each([[['--svcmgr']], [['--svcmgr', 'a.js', 'extra']], [['--daemonize']]])('capsule-agent %j is a usage error with the usage as hint', (argv) => {
  expect(() => svcmgrCommand(argv)).toThrow(expect.objectContaining({ code: 'UsageError', hint: expect.stringContaining('usage: capsule-agent') }));
});
