import { MIN_NODE } from '@capsule/core/engines';
import { run } from './main.js';
import { svcmgr } from './programs/svcmgr.js';

const io = (nodeVersion: string) => {
  const o = { out: '', err: '' };
  return { o, io: { out: (t: string) => (o.out += t), err: (t: string) => (o.err += t), env: { CAPSULE_ROOT: '/nonexistent' }, nodeVersion } };
};

test('on a Node older than the minimum: one named error, before anything else, in the format asked for', async () => {
  const text = io('18.19.0');
  expect(await run(svcmgr, ['ls'], text.io)).toBe(1);
  expect(text.o.err).toContain(`svcmgr needs Node ${MIN_NODE} or later; this is Node 18.19.0`);
  const json = io('18.19.0');
  await run(svcmgr, ['ls', '--format', 'json'], json.io);
  expect(JSON.parse(json.o.out || json.o.err)).toMatchObject({ error: { code: 'NodeTooOld' } });
});
