// The jail a name means when FreeBSD lists a dying one beside it (tooling/simulators/jail/corpus).
import { readFileSync } from 'node:fs';
import { pickJail } from './state.js';

const corpus = JSON.parse(readFileSync(new URL('../../../tooling/simulators/jail/corpus/jls-dying-reused.json', import.meta.url), 'utf8')) as { 'jail-information': { jail: { jid: number; name: string; state: string }[] } };
const jails = corpus['jail-information'].jail;

test('a new jail reusing the name of a dying one is the jail: the live one, though listed second', () => expect(pickJail(jails, 'web1')).toMatchObject({ jid: 7, state: 'ACTIVE' }));
test('only the dying one: it is the jail (warn, cannot start before it is gone)', () => expect(pickJail(jails.slice(0, 1), 'web1')).toMatchObject({ jid: 4, state: 'DYING' }));
test('no such name: none', () => expect(pickJail(jails, 'web2')).toBeUndefined());
