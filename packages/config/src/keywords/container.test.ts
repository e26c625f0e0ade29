import { KeywordRegistry, sectionKind } from '../registry.js';

test.each([
  ['container#0', 'lxc', true],
  ['container#vm', 'kvm', true],
  ['fs#1', 'ext4', false],
  ['app#1', undefined, false],
])('push_agent in [%s] (type %s): %s', async (section, type, accepted) => {
  const table = await new KeywordRegistry().sectionKeywords(sectionKind(section), type);
  expect(table.get('push_agent') !== undefined).toBe(accepted);
  if (accepted) expect(table.get('push_agent')!.schema.safeParse('true')).toMatchObject({ success: true, data: true });
});
