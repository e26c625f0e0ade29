// The {{type}} driver: what the package's `capsule` manifest provides.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { {{Class}} } from './container.js';

export default defineDriver({
  provides: ['{{type}}'],
  keywords,
  create: (init) => new {{Class}}(init),
});
