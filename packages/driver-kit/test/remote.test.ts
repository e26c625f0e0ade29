// Where a remote-managed driver's tools run: the section's keywords first,
// then node.conf's [driver.TYPE], else this node.
import { managementHost, toolPath } from '../src/index.js';

const settings = (values: Record<string, string>) => ({ values });

test.each([
  [{}, {}, undefined],
  [{}, { host: 'vmhost1' }, { host: 'vmhost1' }],
  [{}, { host: 'vmhost1', port: '2222', user: 'capsule' }, { host: 'vmhost1', port: 2222, user: 'capsule' }],
  [{ mgmt_host: 'cdom2' }, { host: 'vmhost1', user: 'capsule' }, { host: 'cdom2', user: 'capsule' }],
  [{ mgmt_host: 'cdom2', mgmt_port: 22, mgmt_user: 'root' }, { port: '2222' }, { host: 'cdom2', port: 22, user: 'root' }],
  [{ mgmt_port: 2222 }, {}, undefined],
])('managementHost(%j, %j) is %j', (cfg, values, expected) => {
  expect(managementHost(cfg, settings(values))).toEqual(expected);
});

test('tools by PATH, or in bin_dir', () => {
  expect(toolPath(settings({}), 'hpvmstart')).toBe('hpvmstart');
  expect(toolPath(settings({ bin_dir: '/opt/hpvm/bin/' }), 'hpvmstart')).toBe('/opt/hpvm/bin/hpvmstart');
});
