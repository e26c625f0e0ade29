import type { ExecResult } from '@capsule/core';
import { testContext } from '@capsule/testenv';
import { DefaultRoute, parseDefaultRoutes } from './route.js';

test.each<[string, ReturnType<typeof parseDefaultRoutes>]>([
  ['', []],
  ['default via 198.51.100.2 dev eth0 \n', [{ line: 'default via 198.51.100.2 dev eth0', via: '198.51.100.2', dev: 'eth0' }]],
  ['default via 10.0.0.1 dev ens3 proto dhcp src 10.0.0.5 metric 100 \n', [{ line: 'default via 10.0.0.1 dev ens3 proto dhcp src 10.0.0.5 metric 100', via: '10.0.0.1', dev: 'ens3' }]],
  ['default dev wg0 scope link \n', [{ line: 'default dev wg0 scope link', dev: 'wg0' }]],
])('ip route show default: %j', (text, routes) => expect(parseDefaultRoutes(text)).toEqual(routes));

/** An exec that records each argv and answers `ip route show` with `table`. */
function recorder(table: string, addAnswer: Partial<ExecResult> = {}) {
  const calls: string[] = [];
  const ctx = testContext(async (argv) => {
    calls.push(argv.join(' '));
    return { code: 0, stdout: argv[3] === 'show' ? table : '', stderr: '', ...(argv[3] === 'add' ? addAnswer : {}) };
  });
  return { calls, ctx };
}

test.each<[string, 4 | 6, string, string[]]>([
  ['absent: added', 4, '', ['ip -4 route show default', 'ip -4 route add default via 198.51.100.2 dev eth0']],
  ['present: nothing to do', 4, 'default via 198.51.100.2 dev eth0 \n', ['ip -4 route show default']],
  ['IPv6: the -6 table', 6, '', ['ip -6 route show default', 'ip -6 route add default via 198.51.100.2 dev eth0']],
])('add, %s', async (_, family, table, calls) => {
  const r = recorder(table);
  await new DefaultRoute('ip#1', '198.51.100.2', 'eth0', family).add(r.ctx);
  expect(r.calls).toEqual(calls);
});

test('another default route: the error names it and what to do', async () => {
  const r = recorder('default via 10.0.0.1 dev ens3 \n', { code: 2, stderr: 'RTNETLINK answers: File exists\n' });
  await expect(new DefaultRoute('ip#1', '198.51.100.2', 'eth0', 4).add(r.ctx)).rejects.toMatchObject({
    message: 'ip#1: ip -4 route add default via 198.51.100.2 dev eth0 failed: RTNETLINK answers: File exists (this node already has default via 10.0.0.1 dev ens3)',
    hint: 'remove the other default route, or ip#1.gateway if this node keeps its own',
  });
});

test.each<[string, string, string[]]>([
  ['present: deleted', 'default via 198.51.100.2 dev eth0 \n', ['ip -4 route show default', 'ip -4 route del default via 198.51.100.2 dev eth0']],
  ['through another device: left alone', 'default via 198.51.100.2 dev eth1 \n', ['ip -4 route show default']],
])('remove, %s', async (_, table, calls) => {
  const r = recorder(table);
  await new DefaultRoute('ip#1', '198.51.100.2', 'eth0', 4).remove(r.ctx);
  expect(r.calls).toEqual(calls);
});
