// The HP Integrity VM container driver: hpvm* commands on the VM Host.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { HpvmContainer } from './container.js';

export default defineDriver({
  provides: ['container.hpvm'],
  keywords,
  create: (init) => new HpvmContainer(init),
});
