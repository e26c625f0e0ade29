// The OpenVZ container driver: containers of vzctl.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { VzContainer } from './container.js';

export default defineDriver({
  provides: ['container.vz'],
  keywords,
  create: (init) => new VzContainer(init),
});
