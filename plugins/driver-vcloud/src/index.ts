// The vcloud container driver: Cloud Director VMs through the vCloud API.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { VcloudContainer } from './container.js';

export default defineDriver({
  provides: ['container.vcloud'],
  keywords,
  create: (init) => new VcloudContainer(init),
});
