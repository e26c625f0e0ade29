// The fs resource driver.
import { defineDriver } from '@capsule/core';
import { Fs } from './fs.js';
import { keywords } from './keywords.js';

export default defineDriver({ provides: ['fs'], keywords, create: (init) => new Fs(init) });
