// The openstack container driver: Nova servers through Keystone v3 and the compute API.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { OpenstackContainer } from './container.js';

export default defineDriver({
  provides: ['container.openstack'],
  keywords,
  create: (init) => new OpenstackContainer(init),
});
