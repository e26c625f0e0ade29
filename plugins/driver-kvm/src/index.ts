// The KVM container driver: libvirt domains through virsh.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { KvmContainer } from './container.js';

export default defineDriver({
  provides: ['container.kvm'],
  keywords,
  create: (init) => new KvmContainer(init),
});
