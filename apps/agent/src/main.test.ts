import { parseAgentArgs } from './main.js';

test.each([
  [[], { svcmgr: ['svcmgr'], stopWithStdin: false }],
  [['--svcmgr', '/opt/capsule/dist/bin/svcmgr.js'], { svcmgr: ['/usr/bin/node', '/opt/capsule/dist/bin/svcmgr.js'], stopWithStdin: false }],
  [['--svcmgr', '/usr/local/bin/svcmgr', '--stop-with-stdin'], { svcmgr: ['/usr/local/bin/svcmgr'], stopWithStdin: true }],
  [['--stop-with-stdin'], { svcmgr: ['svcmgr'], stopWithStdin: true }],
])('capsule-agent %j', (argv, args) => expect(parseAgentArgs(argv, '/usr/bin/node')).toEqual(args));

test.each([[['--svcmgr']], [['--svcmgr', '--stop-with-stdin']], [['--svcmgr', 'a.js', 'extra']], [['--daemonize']]])('capsule-agent %j is a usage error with the usage as hint', (argv) => {
  expect(() => parseAgentArgs(argv)).toThrow(expect.objectContaining({ code: 'UsageError', hint: expect.stringContaining('usage: capsule-agent') }));
});
