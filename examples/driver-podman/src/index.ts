// The container.podman driver: what the package's `capsule` manifest provides.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { PodmanContainer } from './container.js';

export default defineDriver({
  provides: ['container.podman'],
  keywords,
  create: (init) => new PodmanContainer(init),
});
