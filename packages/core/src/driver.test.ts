import { defineDriver, driverDefinitionProblems } from './driver.js';
import { kw } from './keywords.js';

const ok = defineDriver({ provides: ['app'], keywords: [kw.string('script', { doc: 's' })], create: () => ({}) as never });

test.each([
  ['what defineDriver returns', ok, []],
  ['not an object', undefined, ['default export: expected the object defineDriver returns']],
  ['no brand', { ...ok, $$type: 'x' }, ['$$type: expected "capsule.driver" (made by defineDriver)']],
  ['a fractional api version', { ...ok, apiVersion: 2.5 }, ['apiVersion: expected an integer']],
  ['no provides', { ...ok, provides: [] }, ['provides: expected a non-empty list of strings']],
  ['a provides that is not text', { ...ok, provides: ['app', 3] }, ['provides: expected a non-empty list of strings']],
  ['keywords not a list', { ...ok, keywords: {} }, ['keywords: expected a list of keyword specs']],
  ['a broken keyword, named by its index', { ...ok, keywords: [ok.keywords[0], { name: 'x', doc: 'd', scopable: true }] }, ['keywords.1.schema: expected a value schema (with safeParse)']],
  ['create missing', { ...ok, create: 'start' }, ['create: create must be a function']],
])('driverDefinitionProblems: %s', (_what, v, problems) => expect(driverDefinitionProblems(v)).toEqual(problems));
