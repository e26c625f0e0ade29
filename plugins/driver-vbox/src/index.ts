// The VirtualBox container driver: machines through VBoxManage, guests over ssh.
import { defineDriver } from '@capsule/core';
import { keywords } from './keywords.js';
import { VboxContainer } from './container.js';

export default defineDriver({
  provides: ['container.vbox'],
  keywords,
  create: (init) => new VboxContainer(init),
});
