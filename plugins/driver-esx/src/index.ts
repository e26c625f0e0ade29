// The esx container driver: vSphere VMs through vCenter's REST API.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { EsxContainer } from './container.js';

export default defineDriver({
  provides: ['container.esx'],
  keywords,
  create: (init) => new EsxContainer(init),
});
