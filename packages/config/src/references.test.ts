// Each reference form OpenSVC resolves, evaluated on two nodes; expected
// values follow OpenSVC's documented behaviour (root namespace, svc kind).
import { parseClusterInfo, DEFAULT_CLUSTER } from './cluster.js';
import { Evaluator } from './evaluator.js';
import { parseConfig } from './reader.js';
import { derivedId } from './references.js';

const FILE = `[DEFAULT]
nodes = hv1.example.com hv2
drpnodes = dr1
ip = fe80::1

[fs#data]
mnt = /srv/{rindex}

[app#1]
script = {private_var}/run
`;

const cluster = parseClusterInfo('[cluster]\nname = Prod\nid = 7f3c0000-0000-4000-8000-000000000001\nnodes = hv1.example.com hv2\ndrpnodes = dr1\ndns = hv2 192.0.2.53\n');

function on(nodename: string, text = FILE) {
  return new Evaluator(parseConfig(text, 'web1.conf'), { nodename, svcname: 'web1', cluster, root: '/opt/capsule', bindir: '/usr/bin' });
}

// Each row: reference, section it is written in, value on hv1.example.com, value on hv2.
const REFERENCES: Array<[string, string, string, string]> = [
  ['{nodename}', 'DEFAULT', 'hv1.example.com', 'hv2'],
  ['{short_nodename}', 'DEFAULT', 'hv1', 'hv2'],
  ['{name}', 'DEFAULT', 'web1', 'web1'],
  ['{svcname}', 'DEFAULT', 'web1', 'web1'],
  ['{short_name}', 'DEFAULT', 'web1', 'web1'],
  ['{path}', 'DEFAULT', 'web1', 'web1'],
  ['{namespace}', 'DEFAULT', 'root', 'root'],
  ['{kind}', 'DEFAULT', 'svc', 'svc'],
  ['{rid}', 'fs#data', 'fs#data', 'fs#data'],
  ['{rindex}', 'fs#data', 'data', 'data'],
  ['{rid}', 'app#1', 'app#1', 'app#1'],
  ['{rindex}', 'app#1', '1', '1'],
  ['{id}', 'DEFAULT', derivedId('web1'), derivedId('web1')],
  ['{clustername}', 'DEFAULT', 'prod', 'prod'],
  ['{clusterid}', 'DEFAULT', '7f3c0000-0000-4000-8000-000000000001', '7f3c0000-0000-4000-8000-000000000001'],
  ['{clusternodes}', 'DEFAULT', 'hv1.example.com hv2', 'hv1.example.com hv2'],
  ['{clusterdrpnodes}', 'DEFAULT', 'dr1', 'dr1'],
  ['{fqdn}', 'DEFAULT', 'web1.root.svc.prod', 'web1.root.svc.prod'],
  ['{domain}', 'DEFAULT', 'root.svc.prod', 'root.svc.prod'],
  ['{dns}', 'DEFAULT', 'hv2 192.0.2.53', 'hv2 192.0.2.53'],
  ['{dnsnodes}', 'DEFAULT', 'hv2', 'hv2'],
  ['{svcmgr}', 'DEFAULT', '/usr/bin/svcmgr', '/usr/bin/svcmgr'],
  ['{nodemgr}', 'DEFAULT', '/usr/bin/nodemgr', '/usr/bin/nodemgr'],
  ['{etc}', 'DEFAULT', '/opt/capsule/etc/capsule', '/opt/capsule/etc/capsule'],
  ['{var}', 'DEFAULT', '/opt/capsule/var/lib/capsule', '/opt/capsule/var/lib/capsule'],
  ['{private_var}', 'DEFAULT', '/opt/capsule/var/lib/capsule/web1', '/opt/capsule/var/lib/capsule/web1'],
  ['{initd}', 'DEFAULT', '/opt/capsule/etc/capsule/web1.d', '/opt/capsule/etc/capsule/web1.d'],
  ['{#nodes}', 'DEFAULT', '2', '2'],
  ['{#clusternodes}', 'DEFAULT', '2', '2'],
  ['{upper:short_nodename}', 'DEFAULT', 'HV1', 'HV2'],
  ['{lower:upper:x}', 'DEFAULT', '{lower:upper:x}', '{lower:upper:x}'],
  ['{upper:nodes[1]}', 'DEFAULT', 'HV2', 'HV2'],
  ['{capitalize:nodename}', 'DEFAULT', 'Hv1.example.com', 'Hv2'],
  ['{title:fs#data.mnt}', 'DEFAULT', '/Srv/Data', '/Srv/Data'],
  ['{swapcase:clustername}', 'DEFAULT', 'PROD', 'PROD'],
  ['{uri_ip:ip}', 'DEFAULT', '[fe80::1]', '[fe80::1]'],
  ['{uri_ip:nodename}', 'DEFAULT', 'hv1.example.com', 'hv2'],
  ['{#upper:nodes}', 'DEFAULT', '2', '2'],
  ['http://{uri_ip:ip}:80/{short_name}', 'DEFAULT', 'http://[fe80::1]:80/web1', 'http://[fe80::1]:80/web1'],
];

test.each(REFERENCES)('%s in [%s] is %s on hv1, %s on hv2', (ref, section, hv1, hv2) => {
  expect(on('hv1.example.com').resolve(ref, section)).toBe(hv1);
  expect(on('hv2').resolve(ref, section)).toBe(hv2);
});

test('references in keyword values take the section they are read in', () => {
  expect(on('hv2').get('fs#data', 'mnt')).toBe('/srv/data');
  expect(on('hv2').get('app#1', 'script')).toBe('/opt/capsule/var/lib/capsule/web1/run');
});

test('DEFAULT.id, when set, is the object id', () => {
  expect(on('hv2', `${FILE.replace('[DEFAULT]\n', '[DEFAULT]\nid = 1b4e28ba-2fa1-11d2-883f-0016d3cca427\n')}`).resolve('{id}', 'DEFAULT')).toBe('1b4e28ba-2fa1-11d2-883f-0016d3cca427');
});

test('the derived id is a stable version-5-style uuid', () => {
  expect(derivedId('web1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(derivedId('web1')).not.toBe(derivedId('web2'));
});

describe('without node.conf', () => {
  const bare = (nodename: string) => new Evaluator(parseConfig(FILE, 'web1.conf'), { nodename, svcname: 'web1' });
  test.each<[string, string]>([
    ['{clustername}', 'default'],
    ['{clusterid}', ''],
    ['{clusternodes}', 'n1'],
    ['{clusterdrpnodes}', ''],
    ['{dns}', ''],
    ['{fqdn}', 'web1.root.svc.default'],
    ['{etc}', '/etc/capsule'],
    ['{private_var}', '/var/lib/capsule/web1'],
  ])('%s is %j', (ref, expected) => {
    expect(DEFAULT_CLUSTER.name).toBe('default');
    expect(bare('n1').resolve(ref, 'DEFAULT')).toBe(expected);
  });
});

test.each([
  ['[cluster]\nname = A\n', { name: 'a', id: '', nodes: [], drpnodes: [], dns: [] }],
  ['[node]\nenv = PRD\n', DEFAULT_CLUSTER],
  ['', DEFAULT_CLUSTER],
  ['[cluster]\nnodes = n1,n2 n3\n', { name: 'default', id: '', nodes: ['n1', 'n2', 'n3'], drpnodes: [], dns: [] }],
])('node.conf %j', (text, expected) => {
  expect(parseClusterInfo(text)).toEqual(expected);
});

test.each([
  ['[cluster]\nname = true\n', 'name: expected text, got true'],
  ['[cluster]\nnodes[] = n1\nnodes[] = n2\n', 'nodes: expected text, got ["n1","n2"]'],
])('node.conf %j: [cluster] values are text, or NodeConfigInvalid naming the file and keyword', (text, why) => {
  expect(() => parseClusterInfo(text, '/etc/capsule/node.conf')).toThrow(
    expect.objectContaining({ code: 'NodeConfigInvalid', message: `/etc/capsule/node.conf: [cluster]: ${why}`, hint: expect.stringContaining('text values') }),
  );
});
