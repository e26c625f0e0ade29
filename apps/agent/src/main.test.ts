import type { NodeContext } from '@capsule/runtime/node';
import { mkdir, mkdtemp, readlink, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAgentArgs, relinkAtStart } from './main.js';

test.each([
  [[], { svcmgr: ['svcmgr'], stopWithStdin: false }],
  [['--svcmgr', '/opt/capsule/dist/bin/svcmgr.js'], { svcmgr: ['/usr/bin/node', '/opt/capsule/dist/bin/svcmgr.js'], stopWithStdin: false }],
  [['--svcmgr', '/usr/local/bin/svcmgr', '--stop-with-stdin'], { svcmgr: ['/usr/local/bin/svcmgr'], stopWithStdin: true }],
  [['--stop-with-stdin'], { svcmgr: ['svcmgr'], stopWithStdin: true }],
])('capsule-agent %j', (argv, args) => expect(parseAgentArgs(argv, '/usr/bin/node')).toEqual(args));

test.each([[['--svcmgr']], [['--svcmgr', '--stop-with-stdin']], [['--svcmgr', 'a.js', 'extra']], [['--daemonize']]])('capsule-agent %j is a usage error with the usage as hint', (argv) => {
  expect(() => parseAgentArgs(argv)).toThrow(expect.objectContaining({ code: 'UsageError', hint: expect.stringContaining('usage: capsule-agent') }));
});

describe('relinkAtStart', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'capsule-agent-relink-'));
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));
  /** This package: its dependency on @capsule/core stands for the installed capsule's. */
  const appRoot = fileURLToPath(new URL('..', import.meta.url));
  const ctx = (): NodeContext => ({ root: tmp, nodename: 'hv1', appRoot, env: {} });

  test('a link to a capsule an upgrade deleted is re-pointed and logged', async () => {
    const scope = join(tmp, 'usr/lib/capsule/drivers/node_modules/@capsule');
    await mkdir(scope, { recursive: true });
    await symlink(join(tmp, 'usr/lib/capsule/0.1.0-1/core'), join(scope, 'core'));
    const lines: string[] = [];
    await relinkAtStart(ctx(), (l) => lines.push(l));
    const now = await realpath(join(appRoot, 'node_modules/@capsule/core'));
    expect(await readlink(join(scope, 'core'))).toBe(now);
    expect(lines).toEqual([`driver directory: relinked @capsule/core: ${join(tmp, 'usr/lib/capsule/0.1.0-1/core')} -> ${now}`]);
    // Started again: nothing to say.
    lines.length = 0;
    await relinkAtStart(ctx(), (l) => lines.push(l));
    expect(lines).toEqual([]);
  });

  test('no driver directory: nothing logged; a failure is logged, never thrown', async () => {
    const lines: string[] = [];
    await relinkAtStart(ctx(), (l) => lines.push(l));
    expect(lines).toEqual([]);
    const broken = Object.defineProperty(ctx(), 'appRoot', {
      get: () => {
        throw new Error('no app');
      },
    });
    await expect(relinkAtStart(broken, (l) => lines.push(l))).resolves.toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/^driver directory: relinking the @capsule\/\* links failed \(.*no app\)/)]);
  });
});
