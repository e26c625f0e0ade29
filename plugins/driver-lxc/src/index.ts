// The LXC container driver.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { LxcContainer } from './container.js';

export default defineDriver({
  provides: ['container.lxc'],
  keywords,
  create: (init) => new LxcContainer(init),
});
