// The disk.scsireserv resource driver.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { ScsiReserv } from './scsireserv.js';

export default defineDriver({ provides: ['disk.scsireserv'], keywords, create: (init) => new ScsiReserv(init) });
