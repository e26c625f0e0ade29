// Keywords of [app#N] sections.
import { kw } from '@capsule/core';

export const keywords = [
  kw.string('script', { doc: 'the launcher, called with start, stop or status; relative paths are under etc/capsule/<svc>.d/' }),
  kw.int('start', { doc: 'start sequence number: apps start in ascending order' }),
  kw.int('stop', { doc: 'stop sequence number: apps stop in ascending order' }),
  kw.int('check', { doc: 'status sequence number, kept for OpenSVC compatibility' }),
  kw.duration('timeout', { doc: 'seconds a start or stop may take before it is killed', default: 120 }),
  kw.duration('status_timeout', { doc: 'seconds a status check may take', default: 10 }),
  kw.string('user', { doc: 'run the script as this user (runuser -u USER)' }),
] as const;
