// The container driver conformance suite: one set of jest tests every
// container driver passes, LXC and KVM on the real technology, the others on
// their simulators. A fixture says how to get a guest of the technology;
// the suite drives the driver exactly as the engine does and checks the
// outcome from outside the driver (the fixture's `isRunning`).
import { isContainerResource, systemClock, type ContainerContext, type ContainerResource, type DriverCapabilities, type DriverDefinition, type Exec, type MigrationDestination, type ResourceStatus } from '@capsule/core';
import { readmeStateTable, stateTableMarkdown, type StateTable } from '@capsule/driver-kit';
import { guestExec, type SshSessions } from '@capsule/transport';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ConformanceGuest {
  /** The `[container#0]` section as a user writes it: strings, parsed with the driver's keywords. */
  section: Record<string, string>;
  /** `[driver.TYPE]` of node.conf. */
  settings?: Record<string, string>;
  /** Contents of the secret files settings name, by setting keyword. */
  secrets?: Record<string, string>;
  /** Runs the technology's tools where the driver runs them (the simulator first on PATH). */
  exec: Exec;
  /** For guests reached over ssh. */
  ssh?: SshSessions;
  /** Whether the guest runs, as the technology (or its simulator's state) says, not the driver. */
  isRunning(): Promise<boolean>;
}

export interface ConformancePeer extends MigrationDestination {
  isRunningThere(): Promise<boolean>;
}

export interface ConformanceFixture {
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** A stopped guest the technology knows; `ignoresShutdown` makes it ignore graceful stops. */
  guest(o?: { ignoresShutdown?: boolean }): Promise<ConformanceGuest>;
  /** A section naming a guest the technology does not know. */
  missingGuest(): Promise<ConformanceGuest>;
  /** A guest whose tool is absent (not on PATH), or whose API endpoint does not answer. */
  toolMissing(): Promise<ConformanceGuest>;
  /** The code expected from `toolMissing`: CommandNotFound, or EndpointUnreachable for API drivers. */
  toolMissingCode?: string;
  /** Makes the technology's next start of this guest fail (busy, permission denied). */
  breakTool(g: ConformanceGuest): Promise<void>;
  /** A guest that runs but never answers in its channel: start must fail at start_timeout. */
  silentGuest(): Promise<ConformanceGuest>;
  /**
   * API drivers: guests whose endpoint settings must be refused or flagged.
   * `plainHttp`: an http:// url, refused before the credentials are sent
   * (EndpointNotHttps); `unverified`: insecure = true and no CA that signed
   * the endpoint, used anyway, and every status says TLS verification is off.
   */
  endpoint?: { plainHttp(): Promise<ConformanceGuest>; unverified(): Promise<ConformanceGuest> };
  /** A destination for live migration; required when the manifest declares liveMigrate. */
  peer?(g: ConformanceGuest): Promise<ConformancePeer>;
  /** The state suite: every state of the driver's table, produced by the technology or its simulator. */
  states?: ConformanceStates;
  /** jest timeout per test, ms (default 60 s). */
  testTimeoutMs?: number;
}

export interface ConformanceStates {
  /** The driver's declared table: the tool's word -> capsule status, with the reason. */
  table: StateTable;
  /** The driver's README, whose `## States` table must be the declared one. */
  readme: URL;
  /** Puts a guest of `guest()` into the state the tool prints as `word` (through the simulator's state, or the real tool). */
  put(g: ConformanceGuest, word: string): Promise<void>;
  /** Words of the table the fixture cannot produce here (real technologies only), each with why. */
  unreachable?: Record<string, string>;
  /** A state word the tool does not print today (a newer version's): put() must produce it. Omitted where the tool's format cannot carry one (say why in the fixture). */
  unknown?: string;
}

interface Logged {
  ctx: ContainerContext;
  lines: string[];
}

export function runConformance(driver: DriverDefinition, capabilities: DriverCapabilities, fixture: ConformanceFixture): void {
  const type = driver.provides[0] ?? 'container.?';
  const timeout = fixture.testTimeoutMs ?? 60_000;
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'capsule-conf-'));
    await fixture.setup?.();
  }, timeout);
  afterAll(async () => {
    await fixture.teardown?.();
    await rm(root, { recursive: true, force: true });
  }, timeout);

  /** The resource as the engine builds it: keywords parsed by their schemas, defaults applied. */
  function build(g: ConformanceGuest, overrides: Record<string, string> = {}): ContainerResource {
    const raw = { ...g.section, ...overrides };
    const config: Record<string, unknown> = {};
    for (const spec of driver.keywords) {
      const value = raw[spec.name];
      if (value !== undefined) config[spec.name] = spec.schema.parse(value);
      else if (spec.default !== undefined) config[spec.name] = spec.default;
    }
    const r = driver.create({
      rid: 'container#0',
      svcname: 'conformance',
      nodename: 'hv1',
      config,
      env: {},
      root,
      service: { nodes: ['hv1'], drpnodes: [], encapnodes: [] },
      settings: {
        values: g.settings ?? {},
        secret: async (k) => {
          const s = g.secrets?.[k];
          if (s === undefined) throw new Error(`the fixture has no secret ${k}`);
          return s;
        },
      },
    });
    if (!isContainerResource(r)) throw new Error(`${type}: create() must return a container resource`);
    return r;
  }

  function contextOf(c: ContainerResource, g: ConformanceGuest): Logged {
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(`info: ${m}`), warn: (m: string) => lines.push(`warn: ${m}`), error: (m: string) => lines.push(`error: ${m}`) };
    const ctx = { exec: g.exec, log, clock: systemClock, signal: new AbortController().signal, dryRun: false, force: false };
    return { ctx: { ...ctx, guest: guestExec(c.guestChannel(), g.exec, g.ssh) }, lines };
  }

  const statusOf = async (c: ContainerResource, ctx: ContainerContext): Promise<ResourceStatus['status']> => (await c.status(ctx)).status;

  describe(`${type} conformance`, () => {
    test(
      'start, status up, exec and stdin in the guest, stop, status down; both actions idempotent',
      async () => {
        const g = await fixture.guest();
        const c = build(g);
        const { ctx } = contextOf(c, g);
        expect(await statusOf(c, ctx)).toBe('down');
        await c.start(ctx);
        expect([await statusOf(c, ctx), await g.isRunning()]).toEqual(['up', true]);
        await c.start(ctx);
        expect(await g.isRunning()).toBe(true);
        const echo = await ctx.guest(['echo', 'conformance', 'ok']);
        expect([echo.code, echo.stdout.trim()]).toEqual([0, 'conformance ok']);
        const copy = await ctx.guest(['sh', '-c', 'cat; exit 3'], { input: 'a file\nof two lines\n' });
        expect([copy.code, copy.stdout]).toEqual([3, 'a file\nof two lines\n']);
        await c.stop(ctx);
        expect([await statusOf(c, ctx), await g.isRunning()]).toEqual(['down', false]);
        await c.stop(ctx);
        expect(await statusOf(c, ctx)).toBe('down');
      },
      timeout,
    );

    test(
      'a guest that ignores the graceful stop is forced off after stop_timeout, with a warning',
      async () => {
        const g = await fixture.guest({ ignoresShutdown: true });
        const c = build(g, { stop_timeout: '2' });
        const { ctx, lines } = contextOf(c, g);
        await c.start(ctx);
        lines.length = 0;
        await c.stop(ctx);
        expect([await statusOf(c, ctx), await g.isRunning()]).toEqual(['down', false]);
        expect(lines.some((l) => l.startsWith('warn: '))).toBe(true);
      },
      timeout,
    );

    test(
      'a guest the technology does not know: start is ContainerNotFound, status down with a warning',
      async () => {
        const g = await fixture.missingGuest();
        const c = build(g);
        const { ctx } = contextOf(c, g);
        await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerNotFound', message: expect.stringContaining('container#0') });
        const s = await c.status(ctx);
        expect(s.status).toBe('down');
        expect(s.log.some((l) => l.startsWith('warn: '))).toBe(true);
      },
      timeout,
    );

    test(
      `the tool or endpoint missing is a named error, not a crash`,
      async () => {
        const g = await fixture.toolMissing();
        const c = build(g);
        const { ctx } = contextOf(c, g);
        const code = fixture.toolMissingCode ?? 'CommandNotFound';
        await expect(c.status(ctx)).rejects.toMatchObject({ code, hint: expect.any(String) });
        await expect(c.start(ctx)).rejects.toMatchObject({ code });
      },
      timeout,
    );

    const endpoint = fixture.endpoint;
    if (endpoint) {
      test(
        'an endpoint over plain http is refused before its credentials are sent',
        async () => {
          const g = await endpoint.plainHttp();
          const c = build(g);
          await expect(c.status(contextOf(c, g).ctx)).rejects.toMatchObject({ code: 'EndpointNotHttps', hint: expect.stringContaining('https://') });
        },
        timeout,
      );

      test(
        'insecure = true: the endpoint is used unverified, and every status says so',
        async () => {
          const g = await endpoint.unverified();
          const c = build(g);
          const s = await c.status(contextOf(c, g).ctx);
          expect(s.status).toBe('down');
          expect(s.log.at(-1)).toMatch(/^warn: TLS verification is off for this endpoint \(\[driver\.\w+\] insecure = true\)/);
        },
        timeout,
      );
    }

    test(
      'a failing tool fails the start with the tool’s own words, and the guest stays down',
      async () => {
        const g = await fixture.guest();
        const c = build(g);
        const { ctx } = contextOf(c, g);
        await fixture.breakTool(g);
        const e = await c.start(ctx).then(
          () => undefined,
          (err: unknown) => err as { code?: string; message?: string },
        );
        expect(e?.code).toMatch(/^(ContainerActionFailed|EndpointError|EndpointAuthFailed)$/);
        expect(e?.message).toContain('container#0');
        expect(await g.isRunning()).toBe(false);
      },
      timeout,
    );

    test(
      'a guest that never answers: start fails with ContainerNotOperational at start_timeout',
      async () => {
        const g = await fixture.silentGuest();
        const c = build(g, { start_timeout: '2' });
        const { ctx } = contextOf(c, g);
        await expect(c.start(ctx)).rejects.toMatchObject({ code: 'ContainerNotOperational', message: expect.stringContaining('2s') });
        await c.stop(ctx);
      },
      timeout,
    );

    const states = fixture.states;
    if (states) {
      const reachable = states.table.filter((r) => states.unreachable?.[r.word] === undefined);
      test('the README\'s state table is the driver\'s', async () => {
        const readme = await readFile(states.readme, 'utf8');
        expect(readmeStateTable(readme)).toEqual(states.table.map(({ word, status, why }) => ({ word, status, why })));
        // Printed on failure: the table to paste under `## States`.
        if (readmeStateTable(readme).length === 0) throw new Error(`${states.readme.pathname} has no ## States table; add:\n${stateTableMarkdown(states.table)}`);
      });

      test.each(reachable.map((r) => [r.word, r.status, r] as const))(
        'state %s reads %s, as the driver declares',
        async (word, status) => {
          const g = await fixture.guest();
          const c = build(g);
          const { ctx } = contextOf(c, g);
          await states.put(g, word);
          const s = await c.status(ctx);
          expect(s.status).toBe(status);
          // A state that is not plainly up or down says which one it is.
          if (status === 'warn') expect(s.log.join('\n')).toContain(word);
        },
        timeout,
      );

      (states.unknown === undefined ? test.skip : test)(
        'a state the driver does not know is warn with the tool\'s word, never up, never an exception',
        async () => {
          const g = await fixture.guest();
          const c = build(g);
          const { ctx } = contextOf(c, g);
          await states.put(g, states.unknown!);
          const s = await c.status(ctx);
          expect(s.status).toBe('warn');
          expect(s.log.join('\n')).toContain(states.unknown!);
        },
        timeout,
      );
    }

    const migrates = capabilities.liveMigrate === true;
    (migrates ? test : test.skip)(
      'live migration: the guest runs on the peer and no longer here',
      async () => {
        if (!fixture.peer) throw new Error(`${type} declares liveMigrate: its fixture must give a peer`);
        const g = await fixture.guest();
        const c = build(g);
        const { ctx } = contextOf(c, g);
        await c.start(ctx);
        const peer = await fixture.peer(g);
        await c.precheckMigration?.(ctx, peer);
        await c.migrate!(ctx, peer);
        expect([await g.isRunning(), await peer.isRunningThere()]).toEqual([false, true]);
        expect(await statusOf(c, ctx)).toBe('down');
      },
      timeout,
    );
  });
}
