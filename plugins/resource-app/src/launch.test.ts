import { launchArgv, parseEnvironment, parseRetcodes, parseSize } from './launch.js';

test.each<[string, Parameters<typeof launchArgv>[1], string[]]>([
  ['nothing to wrap', { platform: 'linux' }, ['/bin/app', 'start']],
  ['a user on linux', { user: 'www', platform: 'linux' }, ['runuser', '-u', 'www', '--', '/bin/app', 'start']],
  ['a user and group on linux', { user: 'www', group: 'web', platform: 'linux' }, ['runuser', '-u', 'www', '-g', 'web', '--', '/bin/app', 'start']],
  ['a user on freebsd', { user: 'www', platform: 'freebsd' }, ['su', 'www', '-c', 'exec "$0" "$@"', '/bin/app', 'start']],
  ['a umask', { umask: '027', platform: 'linux' }, ['/bin/sh', '-c', 'umask 027 && exec "$@"', 'app', '/bin/app', 'start']],
  ['limits on linux: prlimit outermost', { user: 'www', limits: { nofile: 4096, vmem: 1073741824 }, platform: 'linux' }, ['prlimit', '--nofile=4096', '--as=1073741824', '--', 'runuser', '-u', 'www', '--', '/bin/app', 'start']],
  ['limits on sunos: ulimit, sizes in KiB', { limits: { nofile: 4096, stack: 8 * 1024 * 1024 }, platform: 'sunos' }, ['/bin/sh', '-c', 'ulimit -n 4096 && ulimit -s 8192 && exec "$@"', 'app', '/bin/app', 'start']],
])('launch: %s', (_w, o, argv) => expect(launchArgv(['/bin/app', 'start'], o)).toEqual(argv));

test('environment: VAR=value words as a shell quotes them, names upper-cased; a word without = is reported', () => {
  expect(parseEnvironment('port=80 "greeting=hello world" X=')).toEqual({ env: { PORT: '80', GREETING: 'hello world', X: '' }, problems: [] });
  expect(parseEnvironment('oops A=1').problems).toEqual(['"oops" is not VAR=value']);
});

test('retcodes', () => {
  expect(parseRetcodes('0:up 1:down 3:n/a')).toEqual(new Map([[0, 'up'], [1, 'down'], [3, 'n/a']]));
  expect(parseRetcodes('0:green')).toContain('"0:green" is not CODE:STATUS');
});

test.each<[string, number | undefined]>([
  ['1024', 1024],
  ['64k', 65536],
  ['2g', 2 * 1024 ** 3],
  ['10MB', 10_000_000],
  ['1GiB', 1024 ** 3],
  ['lots', undefined],
])('size %s', (raw, value) => {
  const r = parseSize(raw);
  if (value === undefined) expect(r).toHaveProperty('problem');
  else expect(r).toEqual({ value });
});
