// The disk.drbd resource driver.
import { defineDriver } from '@capsule/core';
import { Drbd } from './drbd.js';
import { keywords } from './keywords.js';

export default defineDriver({ provides: ['disk.drbd'], keywords, create: (init) => new Drbd(init) });
