import { parseDistArgs } from './args.js';

test.each([
  [['--platform', 'linux'], { platform: 'linux', tar: false }],
  [['--platform=freebsd', '--out', 'builds', '--tar'], { platform: 'freebsd', out: 'builds', tar: true }],
  [['--tar', '--out=/tmp/b', '--platform', 'sunos'], { platform: 'sunos', out: '/tmp/b', tar: true }],
  [['--help'], 'help'],
])('capsule-dist %j', (argv, args) => expect(parseDistArgs(argv)).toEqual(args));

test.each([
  [[], 'no platform given'],
  [['--platform', 'hpux'], 'unknown platform hpux'],
  [['--platform', 'linux', '--out'], '--out needs a value'],
  [['--platform', 'linux', '--out', '--tar'], '--out needs a value'],
  [['--platform', 'linux', 'extra'], 'unexpected extra'],
  [['--platform', 'linux', '--tar=yes'], 'unexpected --tar=yes'],
])('capsule-dist %j: %s', (argv, message) => expect(() => parseDistArgs(argv)).toThrow(message));
