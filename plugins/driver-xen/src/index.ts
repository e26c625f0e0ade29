// The Xen container driver: domains of the xl toolstack.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { XenContainer } from './container.js';

export default defineDriver({
  provides: ['container.xen'],
  keywords,
  create: (init) => new XenContainer(init),
});
