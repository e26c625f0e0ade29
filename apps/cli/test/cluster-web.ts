// The failover service the real cluster tests run (one copy, in
// @capsule/testenv, shared with the nemesis), and what a client reaches.
import { SVC_ADDR, SVC_PORT, type TestCluster } from '@capsule/testenv';

export { SVC_ADDR, writeWebService, holders, sampler, webConf, webScript } from '@capsule/testenv';

export const reach = async (c: TestCluster) => (await c.client.exec(['curl', '-s', '--http0.9', '--max-time', '1', `http://${SVC_ADDR}:${SVC_PORT}/`])).stdout;
