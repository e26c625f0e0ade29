import { createHmac, randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { arbitratorServer, askArbitrator, signedAnswer } from './arbitrator.js';

const secret = 'arbitrator-test-secret-0123456789';
let servers: Server[];
let port: number;
beforeEach(async () => {
  servers = [await arbitratorServer({ host: '127.0.0.1', port: 0, cluster: 'c', nodes: ['hv1', 'hv2'], secret })];
  port = portOf(servers[0]!);
});
afterEach(() => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))));

const portOf = (s: Server) => (s.address() as AddressInfo).port;
const ask = (node: string, o: { port?: number; secret?: string } = {}) =>
  askArbitrator({ host: '127.0.0.1', port: o.port ?? port, cluster: 'c', node, secret: o.secret ?? secret, timeoutMs: 2000 }).then((seen) => seen && Object.keys(seen).sort());

/** Sends one line to the arbitrator; resolves with all it answered before closing. */
const exchange = (line: string) =>
  new Promise<string>((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.write(line));
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('error', () => undefined);
    s.on('close', () => resolve(out));
  });

/**
 * Something on the node's path to the arbitrator: for each hello, `reply`
 * says what goes back. `forward` passes the hello on to the real arbitrator
 * and resolves with its answer, verbatim.
 */
async function onPath(reply: (hello: string, forward: () => Promise<string>) => Promise<string>): Promise<number> {
  const s = createServer((client) => {
    let hello = '';
    client.setEncoding('utf8');
    client.on('error', () => undefined);
    client.on('data', (d: string) => {
      hello += d;
      if (hello.endsWith('\n')) void reply(hello, () => exchange(hello)).then((text) => client.end(text));
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return portOf(s);
}

/** A relay without the secret that rewrites the arbitrator's answer. */
const rewriting = (change: (a: Record<string, unknown>) => void) =>
  onPath(async (_, forward) => {
    const a = JSON.parse(await forward()) as Record<string, unknown>;
    change(a);
    return JSON.stringify(a) + '\n';
  });

test('nodes that said hello are listed; a wrong secret, an unknown node and a closed port get no answer', async () => {
  expect(await ask('hv1')).toEqual(['hv1']);
  expect(await ask('hv2')).toEqual(['hv1', 'hv2']);
  const ages = (await askArbitrator({ host: '127.0.0.1', port, cluster: 'c', node: 'hv1', secret, timeoutMs: 2000 }))!;
  expect(ages['hv2']).toBeGreaterThanOrEqual(0);
  expect(await ask('hv1', { secret: 'the-wrong-secret-0123456789abcdef' })).toBeUndefined();
  expect(await ask('intruder')).toBeUndefined();
  expect(await askArbitrator({ host: '127.0.0.1', port: 1, cluster: 'c', node: 'hv1', secret, timeoutMs: 1000 })).toBeUndefined();
});

test('through a relay that passes answers on untouched, the exchange works', async () => {
  const relay = await onPath((_, forward) => forward());
  expect(await ask('hv1', { port: relay })).toEqual(['hv1']);
});

test('a relay without the secret replays the answer to one hello as the answer to the next: refused', async () => {
  let recorded: string | undefined;
  const relay = await onPath(async (_, forward) => (recorded ??= await forward()));
  expect(await ask('hv1', { port: relay })).toEqual(['hv1']);
  expect(recorded).toContain('"seen"');
  // hv1 is lost meanwhile: a replay would still say the arbitrator hears it, and only it.
  expect(await ask('hv2', { port: relay })).toBeUndefined();
  expect(await ask('hv1', { port: relay })).toBeUndefined();
});

// [what the relay changes, the change]: each makes a split look like a dead peer, or passes an answer off as another.
test.each<[string, (a: Record<string, unknown>) => void]>([
  ['seen: hv2 removed, as if the arbitrator no longer heard it', (a) => delete (a['seen'] as Record<string, number>)['hv2']],
  ['seen: hv2 heard long ago', (a) => ((a['seen'] as Record<string, number>)['hv2'] = 60_000)],
  ['node: hv2 for hv1', (a) => (a['node'] = 'hv2')],
  ['nonce: another one', (a) => (a['nonce'] = randomBytes(16).toString('hex'))],
  ['ts: one ms later', (a) => (a['ts'] = (a['ts'] as number) + 1)],
  ['v: down to 1', (a) => (a['v'] = 1)],
])('a relay changes the answer (%s): refused', async (_, change) => {
  expect(await ask('hv2')).toEqual(['hv2']);
  expect(await ask('hv1', { port: await rewriting(change) })).toBeUndefined();
});

test("an answer signed for another node is refused, even with this hello's nonce; the arbitrator's clock is not compared", async () => {
  const as = (node: string, ts = Date.now()) => onPath(async (hello) => signedAnswer(secret, { nonce: (JSON.parse(hello) as { nonce: string }).nonce, node, ts, seen: { hv1: 0 } }));
  expect(await ask('hv1', { port: await as('hv2') })).toBeUndefined();
  // The same answer for hv1 is taken: only the node differed.
  expect(await ask('hv1', { port: await as('hv1') })).toEqual(['hv1']);
  // The nonce and the node's own timing say the answer is fresh: an arbitrator an hour behind is still believed.
  expect(await ask('hv1', { port: await as('hv1', Date.now() - 3_600_000) })).toEqual(['hv1']);
});

test('a replayed hello is refused, and so is a hello of protocol v1', async () => {
  const ts = Date.now() + 10;
  const nonce = randomBytes(16).toString('hex');
  const mac = (text: string) => createHmac('sha256', secret).update(text).digest('hex');
  const line = JSON.stringify({ v: 2, cluster: 'c', node: 'hv2', ts, nonce, mac: mac(`arb2|c|hv2|${ts}|${nonce}`) }) + '\n';
  expect(await exchange(line)).toContain(`"nonce":"${nonce}"`);
  expect(await exchange(line)).toBe('');
  const v1 = JSON.stringify({ v: 1, cluster: 'c', node: 'hv1', ts, mac: mac(`arb1|c|hv1|${ts}`) }) + '\n';
  expect(await exchange(v1)).toBe('');
});
