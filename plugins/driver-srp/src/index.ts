// The HP-UX Containers (SRP) driver: srp and srp_su on the HP-UX host.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { SrpContainer } from './container.js';

export default defineDriver({
  provides: ['container.srp'],
  keywords,
  create: (init) => new SrpContainer(init),
});
