// The zone container driver: Solaris and illumos zones through zoneadm, zonecfg and zlogin.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { ZoneContainer } from './container.js';

export default defineDriver({
  provides: ['container.zone'],
  keywords,
  create: (init) => new ZoneContainer(init),
});
