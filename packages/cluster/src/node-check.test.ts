import { checkNodeConfig, type CheckOptions } from './node-check.js';
import type { NodeSections } from './node-keywords.js';

const SECRET = 'a-cluster-secret-0123456789';
// Three nodes: an even cluster without arbitrator is a warning of its own, tested below.
const cluster = { nodes: 'hv1 hv2 hv3', secret: SECRET };
const hb = { interval: '1s', timeout: '3s', 'addr@hv1': '198.51.100.1' };

/** [what, file, options, the issues expected as `severity section.keyword: message`]. */
const CASES: Array<[string, NodeSections, CheckOptions, string[]]> = [
  ['a standalone node: no [cluster], its ssh and driver sections', { ssh: { connect_timeout: '5', 'addr@hv2': '10.0.0.2' }, 'driver.kvm': { uri: 'qemu:///system', anything: 'x' } }, {}, []],
  ['a cluster node', { cluster, 'hb#1': hb, 'arbitrator#1': { address: '[2001:db8::9]:10001' } }, { self: 'hv1' }, []],
  ['an unknown section', { clustre: cluster }, {}, ['warning clustre: unknown section [clustre], ignored (did you mean [cluster]?)']],
  ['an unknown keyword', { cluster, 'hb#1': { ...hb, timout: '5s' } }, {}, ['warning hb#1.timout: unknown keyword "timout", ignored (did you mean "timeout"?)']],
  ['a scoped keyword that is not per node', { cluster, 'hb#1': { ...hb, 'port@hv1': '1' } }, {}, ['warning hb#1.port@hv1: port cannot be scoped, ignored']],
  ['addr without a node', { cluster, 'hb#1': { ...hb, addr: 'x' } }, {}, ['warning hb#1.addr: addr is read per node only, ignored']],
  ['addr of a node not in the cluster', { cluster, 'hb#1': { ...hb, 'addr@hv9': 'x' } }, {}, ['warning hb#1.addr@hv9: hv9 is not one of the cluster nodes (hv1 hv2 hv3), ignored']],
  ['a timeout not longer than the interval', { cluster, 'hb#1': { ...hb, interval: '2s', timeout: '1s' } }, {}, ['error hb#1.timeout: must be longer than interval (timeout 1000 ms, interval 2000 ms)']],
  ['the default interval counts too', { cluster, 'hb#1': { timeout: '500ms' } }, {}, ['error hb#1.timeout: must be longer than interval (timeout 500 ms, interval 1000 ms)']],
  ['a port out of range', { cluster, 'hb#1': { ...hb, port: '70000' } }, {}, ['error hb#1.port: a port is a number from 1 to 65535']],
  ['an unknown heartbeat type', { cluster, 'hb#1': { ...hb, type: 'broadcast' } }, {}, ['error hb#1.type: expected one of "unicast"|"multicast", got "broadcast"']],
  ['an arbitrator without port', { cluster, 'arbitrator#1': { address: 'arb' } }, {}, ['error arbitrator#1.address: expected HOST:PORT with a port from 1 to 65535, got "arb"']],
  ['empty nodes', { cluster: { ...cluster, nodes: '' } }, {}, ['error cluster.nodes: no nodes']],
  ['a quorum that is no boolean', { cluster: { ...cluster, quorum: 'maybe' } }, {}, ['error cluster.quorum: expected a boolean (true/false, yes/no), got "maybe"']],
  ['a relative secret_file', { cluster: { nodes: 'hv1', secret_file: 'cluster.secret' } }, {}, ['error cluster.secret_file: expected an absolute path (starting with /), got "cluster.secret"']],
  ['a secret_file that does not exist', { cluster: { nodes: 'hv1', secret_file: '/nonexistent/cluster.secret' } }, {}, ['error cluster.secret_file: /nonexistent/cluster.secret does not exist']],
  ['secret beside secret_file', { cluster: { ...cluster, secret_file: '/nonexistent/s' } }, {}, ['warning cluster.secret: secret is ignored: secret_file is set', 'error cluster.secret_file: /nonexistent/s does not exist']],
  ['an API driver over https', { 'driver.esx': { url: 'https://vcenter.example', ca_file: '/etc/capsule/vcenter-ca.pem', insecure: 'false' } }, {}, []],
  ['an API driver over plain http', { 'driver.esx': { url: 'http://vcenter.example' } }, {}, ["error driver.esx.url: http://vcenter.example is plain http: the driver's credentials would cross the network in clear"]],
  ['TLS verification off', { 'driver.openstack': { url: 'https://keystone.example:5000/v3', insecure: 'true' } }, {}, ['warning driver.openstack.insecure: TLS verification is off: anyone between this node and the endpoint can pose as it and take its credentials']],
  ['an ssh timeout of 0', { ssh: { connect_timeout: '0' } }, {}, ['error ssh.connect_timeout: expected a number of seconds above 0, got "0"']],
  ['the ssh port and user of every peer, and of one', { ssh: { port: '2222', user: 'capsule', 'port@hv2': '22', 'user@hv2': 'root' } }, {}, []],
  ['an ssh port out of range, per peer too', { ssh: { port: '0', 'port@hv2': '65536' } }, {}, ['error ssh.port: a port is a number from 1 to 65535', 'error ssh.port@hv2: a port is a number from 1 to 65535']],
  ['an ssh user that is no user name', { ssh: { 'user@hv2': 'root; rm -rf /' } }, {}, ['error ssh.user@hv2: expected a user name (letters, digits, _ . -), got "root; rm -rf /"']],
  ['ssh addr is still per node only', { ssh: { addr: 'x' } }, {}, ['warning ssh.addr: addr is read per node only, ignored']],
  // Without [cluster] nothing reads heartbeats: a wrong value is still wrong, nothing is required.
  ['a heartbeat section on a standalone node', { 'hb#1': { port: '0' }, 'arbitrator#1': {} }, {}, ['error hb#1.port: a port is a number from 1 to 65535']],
  ['a cluster without nodes and secret', { cluster: { name: 'c' } }, {}, ['error cluster.nodes: missing required keyword nodes', 'error cluster.secret: no secret: set secret_file (or secret)']],
  ['the daemon: this node not listed, no heartbeat', { cluster }, { self: 'hv4', running: true }, ['error cluster.nodes: this node (hv4) is not listed in hv1 hv2 hv3', 'error hb#1: no heartbeat is configured']],
  ['backend = etcd: no heartbeat needed', { cluster: { ...cluster, backend: 'etcd', etcd_endpoints: 'https://198.51.100.61:2379 https://198.51.100.62:2379' } }, { self: 'hv1', running: true }, []],
  ['backend = etcd without endpoints', { cluster: { ...cluster, backend: 'etcd' } }, { self: 'hv1' }, ['error cluster.etcd_endpoints: backend = etcd without etcd_endpoints']],
  ['etcd endpoints that are no URLs', { cluster: { ...cluster, backend: 'etcd', etcd_endpoints: '198.51.100.61' } }, {}, ['error cluster.etcd_endpoints: expected etcd client URLs like https://10.0.0.1:2379, got "198.51.100.61"']],
  ['an etcd certificate without its key', { cluster: { ...cluster, backend: 'etcd', etcd_endpoints: 'https://e:2379', etcd_cert: '/nonexistent/c.pem' } }, {}, ['error cluster.etcd_key: etcd_cert and etcd_key go together', 'error cluster.etcd_cert: /nonexistent/c.pem does not exist']],
  ['an unknown backend', { cluster: { ...cluster, backend: 'zookeeper' } }, {}, ['error cluster.backend: expected one of "hb"|"etcd", got "zookeeper"']],
  ['the API on the Unix socket alone: nothing required', { listener: { port: '1215' } }, {}, []],
  ['the API on the network without TLS or tokens', { listener: { address: '198.51.100.1' } }, {}, ['error listener.tls_cert: address without tls_cert: the API is served over HTTPS only', 'error listener.tls_key: address without tls_key: the API is served over HTTPS only', 'error listener.tokens_file: address without tokens_file: no client could authenticate']],
  ['API files that do not exist', { listener: { address: '198.51.100.1', tls_cert: '/nonexistent/c.pem', tls_key: '/nonexistent/k.pem', tokens_file: '/nonexistent/tokens' } }, {}, ['error listener.tls_cert: /nonexistent/c.pem does not exist', 'error listener.tls_key: /nonexistent/k.pem does not exist', 'error listener.tokens_file: /nonexistent/tokens does not exist']],
  ['an API port out of range', { listener: { port: '70000' } }, {}, ['error listener.port: a port is a number from 1 to 65535']],
  ['a check: what this node lacks is a warning (the file may be written on an arbitrator)', { cluster }, { self: 'hv4' }, ['warning cluster.nodes: this node (hv4) is not listed in hv1 hv2 hv3', 'warning hb#1: no heartbeat is configured']],
  ['the daemon without [cluster]', { ssh: {} }, { self: 'hv1', running: true }, ['error cluster.nodes: no [cluster] section', 'error cluster.secret: no secret: set secret_file (or secret)', 'error hb#1: no heartbeat is configured']],
  ['an edit: what was already missing, and what this node lacks, are warnings', { cluster: { name: 'c', nodes: 'hv2' } }, { self: 'hv1', before: {} }, ['warning cluster.nodes: this node (hv1) is not listed in hv2', 'warning cluster.secret: no secret: set secret_file (or secret)', 'warning hb#1: no heartbeat is configured']],
  ['an edit that removes a required keyword is refused', { cluster: { secret: SECRET } }, { before: { cluster } }, ['error cluster.nodes: missing required keyword nodes']],
  ['an edit that removes the secret is refused', { cluster: { nodes: 'hv1' } }, { before: { cluster } }, ['error cluster.secret: no secret: set secret_file (or secret)']],
  // Half the nodes is no majority: only an arbitrator lets one half take over from the other.
  ['two nodes without arbitrator', { cluster: { ...cluster, nodes: 'hv1 hv2' }, 'hb#1': hb }, { self: 'hv1' }, ['warning cluster.nodes: a 2-node cluster without arbitrator cannot fail over when a node is lost: half the nodes never has quorum']],
  ['four nodes without arbitrator', { cluster: { ...cluster, nodes: 'hv1 hv2 hv3 hv4' }, 'hb#1': hb }, { self: 'hv1' }, ['warning cluster.nodes: a 4-node cluster without arbitrator cannot fail over when 2 nodes are lost: half the nodes never has quorum']],
  ['four nodes with an arbitrator, even one whose address is wrong', { cluster: { ...cluster, nodes: 'hv1 hv2 hv3 hv4' }, 'arbitrator#2': { address: 'arb' } }, {}, ['error arbitrator#2.address: expected HOST:PORT with a port from 1 to 65535, got "arb"']],
  ['a fence command for each peer, in b2.1 and om3 spelling', { cluster, 'hb#1': hb, 'stonith#hv2': { cmd: '/usr/sbin/fence_ipmilan --ip bmc2 --action off' }, 'stonith#hv3': { command: "/bin/fence 'hv 3'" } }, { self: 'hv1' }, []],
  ['a fence command for a node not in the cluster', { cluster, 'stonith#hv9': { cmd: '/bin/true' } }, {}, ['error stonith#hv9: hv9 is not one of the cluster nodes (hv1 hv2 hv3)']],
  ['a fence command for this node', { cluster, 'hb#1': hb, 'stonith#hv1': { cmd: '/bin/true' } }, { self: 'hv1' }, ['error stonith#hv1: hv1 is this node: a node never fences itself']],
  ['cmd and command both set', { cluster, 'stonith#hv2': { cmd: '/bin/true', command: '/bin/false' } }, {}, ['error stonith#hv2.command: cmd and command are both set']],
  ['a fence command with a quote left open', { cluster, 'stonith#hv2': { cmd: '/bin/fence "hv2' } }, {}, ['error stonith#hv2.cmd: a double quote is not closed: expected a command and its arguments, as on a shell command line (no shell runs it)']],
  ['an empty fence section (what unset leaves) is said, not refused', { cluster, 'stonith#hv2': {} }, { before: { cluster, 'stonith#hv2': { cmd: '/bin/true' } } }, ['warning stonith#hv2.cmd: no fence command, section ignored']],
  ['a misspelt fence keyword', { cluster, 'stonith#hv2': { cmdd: '/bin/true' } }, {}, ['warning stonith#hv2.cmdd: unknown keyword "cmdd", ignored (did you mean "cmd"?)', 'warning stonith#hv2.cmd: no fence command, section ignored']],
  ['the daemon is warned too, not stopped', { cluster: { ...cluster, nodes: 'hv1 hv2' }, 'hb#1': hb }, { self: 'hv1', running: true }, ['warning cluster.nodes: a 2-node cluster without arbitrator cannot fail over when a node is lost: half the nodes never has quorum']],
];

test.each(CASES)('%s', async (_, conf, o, expected) => {
  const issues = await checkNodeConfig(conf, o);
  expect(issues.map((i) => `${i.severity} ${i.section}${i.keyword ? `.${i.keyword}` : ''}: ${i.message}${/^did you mean/.test(i.hint) ? ` (${i.hint})` : ''}`)).toEqual(expected);
  for (const i of issues) expect(i.hint).not.toBe('');
});

test('a secret too short is refused without being quoted', async () => {
  const issues = await checkNodeConfig({ cluster: { nodes: 'hv1', secret: 'tiny-secret' } });
  expect(issues).toMatchObject([{ severity: 'error', section: 'cluster', keyword: 'secret', message: 'shorter than 16 characters' }]);
  expect(JSON.stringify(issues)).not.toContain('tiny-secret');
});

test.each([
  ['ClusterConfigInvalid', { cluster: { ...cluster, nodes: '' } }],
  ['NodeConfigInvalid', { ssh: { identity_file: 'id' } }],
  ['EndpointNotHttps', { 'driver.vcloud': { url: 'HTTP://vcd.example' } }],
])('a problem carries the code of its section: %s', async (code, conf) => {
  expect((await checkNodeConfig(conf)).map((i) => i.code)).toEqual([code]);
});
