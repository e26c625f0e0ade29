// The views the etcd and heartbeat benchmarks publish: instances as the
// agent publishes them (agent.ts: l.view, no target fields), `service-N`.
import { createHash } from 'node:crypto';

export const instance = (i, generation = 1) => ({ avail: 'up', overall: 'up', frozen: false, startFailed: false, csum: createHash('sha256').update(`service-${i}`).digest('hex'), mtime: 1765000000000 + i * 1000.25, generation, kept: 0 });
export const servicesOf = (count) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`service-${i}`, instance(i)]));
export const viewOf = (count) => ({ frozen: false, services: servicesOf(count) });
