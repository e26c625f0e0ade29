// @capsule/transport/ssh: the ssh2 pool, exec and copy, for callers that
// hold connections themselves (tests, benchmarks, the cluster agent).
export { SshPool, type SshEndpoint, type PoolOptions } from './pool.js';
export { sshExec, sshCopyTo, sshCopyFrom } from './exec.js';
export { parseKnownHosts, checkHostKey, fingerprint, hostName, type KnownHost, type HostKeyVerdict } from './known-hosts.js';
export { shellQuote } from './quote.js';
