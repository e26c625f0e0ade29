// The disk.zpool resource driver.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { Zpool } from './zpool.js';

export default defineDriver({ provides: ['disk.zpool'], keywords, create: (init) => new Zpool(init) });
