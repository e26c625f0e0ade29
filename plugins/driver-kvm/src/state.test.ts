// virsh domstate's words read as a status: every virDomainState virsh prints, and one it does not.
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync } from 'node:fs';
import { STATES, statusOfDomState } from './state.js';

test.each<[string, string, string[]]>([
  ['running', 'up', []],
  ['idle', 'up', []],
  ['shut off', 'down', []],
  ['crashed', 'down', ['warn: domain vm1 is crashed (virsh domstate): crashed and kept (on_crash = preserve): start destroys it and boots it again']],
  ['paused', 'warn', ['warn: domain vm1 is paused (virsh domstate): paused (virsh suspend, or by libvirt on an I/O error): start resumes it']],
  ['pmsuspended', 'warn', ['warn: domain vm1 is pmsuspended (virsh domstate): suspended by the guest (S3/S4): start wakes it']],
  ['in shutdown', 'warn', ['warn: domain vm1 is in shutdown (virsh domstate): shutting down: not yet off']],
  ['no state', 'warn', ['warn: domain vm1 is no state (virsh domstate): libvirt reports no state for it']],
  // virsh's words are translated: under a French locale without LC_ALL=C it would print this.
  ['en cours d’exécution', 'warn', ['warn: domain vm1 is in a state capsule does not know: virsh domstate says en cours d’exécution']],
])('%s reads %s', (word, status, log) => {
  expect(statusOfDomState('vm1', word)).toEqual({ status, log });
});

test('every declared state is tested above', () => expect(STATES.map((r) => r.word).sort()).toEqual(['crashed', 'idle', 'in shutdown', 'no state', 'paused', 'pmsuspended', 'running', 'shut off']));

test('the README shows the declared table', () => {
  expect(readmeStateTable(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(STATES.map(({ word, status, why }) => ({ word, status, why })));
});
