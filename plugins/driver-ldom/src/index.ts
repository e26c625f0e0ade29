// The logical domains container driver: ldm on the control domain.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { LdomContainer } from './container.js';

export default defineDriver({
  provides: ['container.ldom'],
  keywords,
  create: (init) => new LdomContainer(init),
});
