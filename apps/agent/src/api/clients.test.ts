import { Clients, TokensFileInvalid } from './clients.js';

const file = `# API clients
ops admin 0123456789abcdef0123456789abcdef
dash read fedcba9876543210fedcba9876543210   # the wall screen
robot admin cn:robot.example
`;

test.each([
  ['Bearer 0123456789abcdef0123456789abcdef', { name: 'ops', role: 'admin' }],
  ['bearer   fedcba9876543210fedcba9876543210 ', { name: 'dash', role: 'read' }],
  ['Bearer 0123456789abcdef0123456789abcdee', undefined],
  ['Basic b3BzOnNlY3JldA==', undefined],
  ['Bearer cn:robot.example', undefined],
  [undefined, undefined],
])('%j is %j', (header, client) => expect(Clients.parse(file).byToken(header)).toEqual(client));

test('a client certificate is known by its common name', () => {
  expect(Clients.parse(file).byCertificate('robot.example')).toEqual({ name: 'robot', role: 'admin' });
  expect(Clients.parse(file).byCertificate('ops')).toBeUndefined();
});

test.each([
  ['ops superuser 0123456789abcdef0123456789abcdef', /tokens:1: role "superuser" is neither read nor admin/],
  ['ops admin short', /tokens:1: the token of ops is shorter than 16 characters/],
  ['\nops admin', /tokens:2: expected NAME ROLE TOKEN/],
  ['ops admin a b', /tokens:1: expected NAME ROLE TOKEN/],
])('%j is refused, its token never quoted', (text, error) => {
  expect(() => Clients.parse(text, 'tokens')).toThrow(error);
  expect(() => Clients.parse(text, 'tokens')).toThrow(TokensFileInvalid);
  try {
    Clients.parse(text, 'tokens');
  } catch (e) {
    expect((e as Error).message).not.toContain('short ');
  }
});
