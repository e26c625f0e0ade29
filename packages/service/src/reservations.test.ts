// The reservation resources `scsireserv = true` adds to disk sections.
import { resource as r } from '../test/fixtures/service.js';
import { withReservations } from './reservations.js';
import type { ResourceSpec } from './spec.js';

const disk = (rid: string, config: Record<string, unknown>, extra: Partial<ResourceSpec> = {}) => r(rid, { type: String(config['type']), config, ...extra });
const PR_BASE = { group: 'disk', type: 'scsireserv', hooks: {}, config: { type: 'scsireserv', devs: [], no_preempt_abort: false, promote_rw: false } };

test.each<[string, ResourceSpec[], string[]]>([
  ['no scsireserv: nothing added', [disk('disk#1', { type: 'vg', scsireserv: false }), disk('disk#2', { type: 'md' })], ['disk#1', 'disk#2']],
  ['scsireserv = true: <rid>pr right after its disk', [disk('disk#1', { type: 'md', scsireserv: true }), disk('disk#2', { type: 'vg' })], ['disk#1', 'disk#1pr', 'disk#2']],
  ['every disk type asks', [disk('disk#a', { type: 'raw', scsireserv: true }), disk('disk#b', { type: 'zpool', scsireserv: true })], ['disk#a', 'disk#apr', 'disk#b', 'disk#bpr']],
  ['a section of that rid in the file is kept, none added', [disk('disk#1', { type: 'md', scsireserv: true }), disk('disk#1pr', { type: 'scsireserv', devs: ['/dev/sdb'] })], ['disk#1', 'disk#1pr']],
  ['a scsireserv section reserves nothing more', [disk('disk#1', { type: 'scsireserv', scsireserv: true })], ['disk#1']],
  ['other groups are not disks', [r('fs#1', { config: { scsireserv: true } }), r('container#1', { config: { scsireserv: true } })], ['fs#1', 'container#1']],
])('%s', (_what, resources, rids) => {
  expect(withReservations(resources).map((x) => x.rid)).toEqual(rids);
});

test("the reservation takes the disk's prkey, no_preempt_abort, tags, subset, optional, disable, monitor, restart, standby and encap; not its triggers", () => {
  const inherited = { tags: ['db', 'encap'], subset: 's1', optional: true, disable: true, monitor: true, restart: 2, restartDelay: 5, standby: true, encap: true };
  const d = disk('disk#1', { type: 'md', scsireserv: true, prkey: '0x90520a45138e85', no_preempt_abort: true }, { ...inherited, hooks: { pre_start: 'true' } });
  expect(withReservations([d])[1]).toEqual({
    ...PR_BASE,
    ...inherited,
    rid: 'disk#1pr',
    config: { ...PR_BASE.config, prkey: '0x90520a45138e85', no_preempt_abort: true },
    reserves: 'disk#1',
  });
  expect(withReservations([disk('disk#2', { type: 'vg', scsireserv: true })])[1]).toEqual({ ...r('disk#2pr'), ...PR_BASE, reserves: 'disk#2' });
});
