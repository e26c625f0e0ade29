import { parseDistArgs } from './args.js';

test.each([
  [['--platform', 'linux'], { platform: 'linux', tar: false }],
  [['--platform=freebsd', '--out', 'builds', '--tar'], { platform: 'freebsd', out: 'builds', tar: true }],
  [['--tar', '--out=/tmp/b', '--platform', 'sunos'], { platform: 'sunos', out: '/tmp/b', tar: true }],
  [['--help'], 'help'],
  [['--platform', 'sunos', '--prefix', '/opt/ha'], { platform: 'sunos', prefix: '/opt/ha', tar: false }],
  [['--platform', 'linux', '--deb'], { platform: 'linux', tar: false, deb: { systemNode: false, compression: 'xz' } }],
  [['--deb', '--platform', 'linux', '--system-node', '--revision', '2~rc1', '--gzip'], { platform: 'linux', tar: false, deb: { systemNode: true, compression: 'gzip', revision: '2~rc1' } }],
])('capsule-dist %j', (argv, args) => expect(parseDistArgs(argv)).toEqual(args));

test.each([
  [[], 'no platform given'],
  [['--platform', 'hpux'], 'unknown platform hpux'],
  [['--platform', 'linux', '--out'], '--out needs a value'],
  [['--platform', 'linux', '--out', '--tar'], '--out needs a value'],
  [['--platform', 'linux', 'extra'], 'unexpected extra'],
  [['--platform', 'linux', '--tar=yes'], '--tar takes no value'],
  [['--platform', 'freebsd', '--deb'], '--platform linux only'],
  [['--platform', 'linux', '--gzip'], 'go with --deb'],
  [['--platform', 'linux', '--prefix', 'opt'], '--prefix opt: an absolute path'],
  [['--platform', 'linux', '--deb', '--prefix', '/opt'], 'installs under /usr'],
  [['--platform', 'linux', '--deb', '--revision', '1_2'], 'only letters, digits'],
])('capsule-dist %j: %s', (argv, message) => expect(() => parseDistArgs(argv)).toThrow(message));
