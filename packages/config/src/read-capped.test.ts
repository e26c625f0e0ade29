import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCapped } from './read-capped.js';

async function* endless(): AsyncGenerator<Uint8Array> {
  for (;;) yield new Uint8Array(4096);
}

test('a small file is read whole', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'capsule-rc-'));
  try {
    await writeFile(join(dir, 'x.conf'), '[DEFAULT]\n');
    expect((await readCapped(join(dir, 'x.conf'))).toString()).toBe('[DEFAULT]\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.each<[string, string | AsyncIterable<Uint8Array>, string]>([
  ['/dev/zero', '/dev/zero', '/dev/zero'],
  ['an endless stream', endless(), '<stdin>'],
])('%s is refused at the limit, naming the source', async (_w, source, name) => {
  await expect(readCapped(source, '<stdin>', 100_000)).rejects.toMatchObject({ code: 'ConfigTooLarge', message: expect.stringContaining(name) });
});
