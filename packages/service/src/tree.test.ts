import type { Status } from '@capsule/core';
import { aggregate } from './aggregate.js';
import type { EncapStatus, ResourceStatusEntry, ServiceStatus } from './status-schema.js';
import { renderStatusTree } from './tree.js';

const res = (rid: string, status: Status, label = '', log: string[] = [], flags = '....'): ResourceStatusEntry => ({
  rid,
  group: rid.split('#')[0]!,
  status,
  label,
  flags,
  log,
  standby: false,
  tags: [],
});
const byRid = (list: ResourceStatusEntry[]) => Object.fromEntries(list.map((r) => [r.rid, r]));

function service(resources: ResourceStatusEntry[], encap: Record<string, EncapStatus> = {}, frozen = false): ServiceStatus {
  const r = byRid(resources);
  return { version: 1, svcname: 'web1', nodename: 'hv1', level: 'hypervisor', frozen, ...aggregate(r, encap), resources: r, encap, updated: '2026-11-24T00:00:00.000Z' };
}

const guest: EncapStatus = {
  guest: 'deb1',
  overall: 'up',
  avail: 'up',
  resources: byRid([res('ip#2', 'up'), res('ip#1', 'up', 'deb1@eth0')]),
};

test('the seed tree at the hypervisor, encap resources folded under their container', () => {
  const s = service(
    [
      res('container#0', 'up', 'deb1'),
      res('fs#1', 'up', '/dev/mapper/data-deb1@/deb1'),
      res('app#1', 'n/a', 'app', ['# no checkup scripts']),
      res('sync#i0', 'up', 'rsync svc config to drpnodes, nodes'),
      res('sync#1', 'up', "btrfs of deb1:deb1 to ['nodes']"),
    ],
    { 'container#0': guest },
  );
  expect(renderStatusTree(s)).toBe(
    [
      'web1                      up',
      'overall                   up',
      '|- avail                  up',
      '|  |- fs#1           .... up       /dev/mapper/data-deb1@/deb1',
      '|  |- container#0    .... up       deb1',
      '|  |  |- ip#1        ...E up       deb1@eth0',
      "|  |  '- ip#2        ...E up",
      "|  '- app#1          .... n/a      app",
      '|                                  # no checkup scripts',
      '|- sync                   up',
      "|  |- sync#1         .... up       btrfs of deb1:deb1 to ['nodes']",
      "|  '- sync#i0        .... up       rsync svc config to drpnodes, nodes",
      "'- hb                     n/a",
      '',
    ].join('\n'),
  );
});

test('flags, warnings, natural rid order, frozen, long names', () => {
  const s = service(
    [res('ip#10', 'up', '198.51.100.10@eth0'), res('ip#2', 'down', '198.51.100.2@eth0', ['warn: eth0 has no carrier'], 'M.O.'), res('app#a_very_long_name_1', 'up', 'x', [], '.D..')],
    {},
    true,
  );
  expect(renderStatusTree(s)).toBe(
    [
      'web1                      warn     frozen',
      'overall                   warn',
      '|- avail                  warn',
      '|  |- ip#2           M.O. down     198.51.100.2@eth0',
      '|  |                               warn: eth0 has no carrier',
      '|  |- ip#10          .... up       198.51.100.10@eth0',
      "|  '- app#a_very_long_name_1 .D.. up       x",
      "'- hb                     n/a",
      '',
    ].join('\n'),
  );
});

test('a guest that could not be asked says why under its container', () => {
  const s = service([res('container#0', 'down', 'deb1')], {
    'container#0': { guest: 'deb1', overall: 'down', avail: 'down', resources: byRid([res('fs#1', 'down'), res('app#1', 'n/a')]), error: 'container is down, guest not asked' },
  });
  const text = renderStatusTree(s);
  expect(text).toContain("|  '- container#0    .... down     deb1\n|     |                            warn: container is down, guest not asked\n|     |- fs#1        ...E down\n");
});
