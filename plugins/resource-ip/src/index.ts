// The ip resource driver.
import { defineDriver } from '@capsule/core';
import { Ip } from './ip.js';
import { keywords } from './keywords.js';

export default defineDriver({ provides: ['ip'], keywords, create: (init) => new Ip(init) });
