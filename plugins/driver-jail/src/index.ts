// The jail container driver: FreeBSD jails through jail, jls and jexec.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { JailContainer } from './container.js';

export default defineDriver({
  provides: ['container.jail'],
  keywords,
  create: (init) => new JailContainer(init),
});
