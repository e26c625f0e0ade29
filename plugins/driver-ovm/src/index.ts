// The Oracle VM container driver: Xen guests of Oracle VM Server through xm.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { OvmContainer } from './container.js';

export default defineDriver({
  provides: ['container.ovm'],
  keywords,
  create: (init) => new OvmContainer(init),
});
