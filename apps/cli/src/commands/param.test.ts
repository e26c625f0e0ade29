import { parseParam } from './param.js';

test.each([
  ['hb#1.timeout', { section: 'hb#1', key: 'timeout' }],
  ['driver.kvm.uri', { section: 'driver.kvm', key: 'uri' }],
  ['hb#1.addr@hv1', { section: 'hb#1', key: 'addr@hv1' }],
  ['ssh.addr@hv1.example.com', { section: 'ssh', key: 'addr@hv1.example.com' }],
  ['nodes@encapnodes', { section: 'DEFAULT', key: 'nodes@encapnodes' }],
])('%s -> %o', (param, expected) => expect(parseParam(param, 'x.y', 'DEFAULT')).toEqual(expected));

test.each([
  [undefined, 'DEFAULT', /^no --param given$/],
  ['timeout', undefined, /^--param timeout names no section$/],
  ['.timeout', undefined, /names no section/],
  ['hb#1.', undefined, /names no keyword/],
  ['hb#1.@hv1', undefined, /names no keyword/],
])('%s is a usage error', (param, bare, message) => {
  expect(() => parseParam(param, 'hb#1.timeout', bare)).toThrow(expect.objectContaining({ code: 'UsageError', message: expect.stringMatching(message), hint: expect.stringContaining('--param hb#1.timeout') }));
});
