import { DriverManifest, platformOf, runsOn } from './manifest.js';

const good = { apiVersion: 1, provides: ['container.lxc'], platforms: ['linux'] };

test.each([
  ['a container driver', good],
  ['a group provider with keywords subpath', { apiVersion: 1, provides: ['fs'], platforms: ['any'], keywords: './keywords' }],
  ['a remote-managed agentless driver', { apiVersion: 2, provides: ['container.hpvm'], platforms: ['any'], capabilities: { remoteManaged: true, agentless: true, guestChannel: 'ssh', liveMigrate: true } }],
])('%s is a valid manifest', (_w, m) => expect(DriverManifest.safeParse(m).success).toBe(true));

test.each([
  ['apiVersion 0', { ...good, apiVersion: 0 }],
  ['apiVersion as text', { ...good, apiVersion: '1' }],
  ['empty provides', { ...good, provides: [] }],
  ['bad provides', { ...good, provides: ['Container.LXC'] }],
  ['unknown platform', { ...good, platforms: ['windows'] }],
  ['keywords not a subpath', { ...good, keywords: 'keywords.js' }],
  ['hpux: no agent runs there, such drivers are remote-managed', { ...good, platforms: ['hpux'] }],
  ['an unknown guest channel', { ...good, capabilities: { guestChannel: 'telnet' } }],
])('%s is refused', (_w, m) => expect(DriverManifest.safeParse(m).success).toBe(false));

test.each([
  [['linux'], 'linux', true],
  [['sunos'], 'linux', false],
  [['any'], 'win32', true],
  [['linux'], undefined, false],
] as const)('platforms %j on %s -> %s', (platforms, platform, ok) => {
  expect(runsOn({ platforms: [...platforms] }, platform)).toBe(ok);
});

test('node platform names map to capsule platforms', () => {
  expect(platformOf('linux')).toBe('linux');
  expect(platformOf('win32')).toBe('win32');
  expect(platformOf('hpux')).toBeUndefined();
  expect(platformOf('constructor')).toBeUndefined();
});
