// The state module against what real podman prints: every recorded answer
// of the corpus (test/corpus), every declared word, an unknown one, and the
// README's table.
import { readmeStateTable } from '@capsule/driver-kit';
import { readFileSync } from 'node:fs';
import { DOWN_STATES, parseInspect, STATES, statusOfPodmanState } from './state.js';

const corpus = (file: string) => readFileSync(new URL(`../test/corpus/${file}`, import.meta.url), 'utf8');

test.each(['created', 'initialized', 'running', 'paused', 'exited'])('the recorded inspect of a %s container', (word) => {
  expect(parseInspect(corpus(`${word}.json`))).toEqual({ state: word, stopSignal: '15' });
});

test('output without a state: none of podman\'s, no guess', () => {
  expect(parseInspect(corpus('missing.stdout'))).toEqual({ state: undefined, stopSignal: undefined });
  expect(parseInspect('')).toEqual({ state: undefined, stopSignal: undefined });
  expect(parseInspect('{"State": {"Status": "running"}}')).toEqual({ state: undefined, stopSignal: undefined });
  expect(parseInspect('[{"State": {"Status": ""}, "Config": {"StopSignal": "SIGRTMIN+3"}}]')).toEqual({ state: undefined, stopSignal: 'SIGRTMIN+3' });
});

test.each<[string, string, string[]]>([
  ['running', 'up', []],
  ['created', 'down', []],
  ['initialized', 'down', []],
  ['exited', 'down', []],
  ['stopped', 'down', []],
  ['paused', 'warn', ['warn: container ct1 is paused (podman): paused (podman pause): its processes do not run; start unpauses it']],
  ['stopping', 'warn', ['warn: container ct1 is stopping (podman): being stopped: not yet down']],
  ['removing', 'warn', ['warn: container ct1 is removing (podman): being removed (podman rm)']],
  ['unknown', 'warn', ['warn: container ct1 is unknown (podman): podman cannot tell its state (an error state of libpod)']],
  ['bad state', 'warn', ['warn: container ct1 is in a state capsule does not know: podman says bad state']],
])('%s reads %s', (word, status, log) => expect(statusOfPodmanState('ct1', word)).toEqual({ status, log }));

test('every declared state is tested above; the down ones are what stop leaves alone', () => {
  expect(STATES.map((r) => r.word).sort()).toEqual(['created', 'exited', 'initialized', 'paused', 'removing', 'running', 'stopped', 'stopping', 'unknown']);
  expect([...DOWN_STATES].sort()).toEqual(['created', 'exited', 'initialized', 'stopped']);
});

test('no state printed is a warning, never read as stopped', () => {
  expect(statusOfPodmanState('ct1', undefined)).toEqual({ status: 'warn', log: ['warn: podman container inspect printed no state for container ct1'] });
});

test('the README shows the declared table', () => {
  expect(readmeStateTable(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))).toEqual(STATES.map(({ word, status, why }) => ({ word, status, why })));
});
