// A service address on an interface: refused when anyone already answers
// for it (three probes) or the link has no carrier, added with `ip addr`
// (labelled ipdev:N as an alias), announced with a gratuitous ARP at the
// start and again at every status check while held; with a gateway, a
// default route through the interface while it is up.
import { CapsuleError, isCapsuleError, type ActionContext, type ExecResult, type Resource, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import type { keywords } from './keywords.js';
import { isIP } from 'node:net';
import { prefixLength } from './address.js';
import { IFNAMSIZ, nextAliasLabel, parseAddrShow, type AddrLine } from './addrshow.js';
import { readCarrier } from './carrier.js';
import { IpCode } from './codes.js';
import { DefaultRoute } from './route.js';

/** How long arping runs: a holder's ARP reply on the link comes within milliseconds. */
const ARP_WAIT_MS = 300;
/** Duplicate address probes, one every PROBE_GAP_MS: one lost packet (probe or reply) cannot let an address go up twice. */
const DAD_PROBES = 3;
const PROBE_GAP_MS = 100;

/** arping cut short at ARP_WAIT_MS: nobody answered (-D), or the announce is out (-U). */
function ignoreTimeout(e: unknown): ExecResult {
  if (isCapsuleError(e) && e.code === 'ExecTimeout') return { code: 0, stdout: '', stderr: '' };
  throw e;
}

export type IpConfig = SectionConfig<typeof keywords>;

export class Ip implements Resource {
  readonly rid: string;
  private readonly cfg: IpConfig;
  private resolved?: { addr: string; family: 4 | 6 };
  /** The interface; ipdev may be OpenSVC's INTF:N, which also forces the alias label. */
  private readonly dev: string;
  private readonly forcedLabel?: string;

  constructor(init: ResourceInit<IpConfig>) {
    this.rid = init.rid;
    this.cfg = init.config;
    const [dev, n] = this.cfg.ipdev.split(':');
    this.dev = dev!;
    if (n !== undefined) this.forcedLabel = this.cfg.ipdev;
  }

  // OpenSVC's defaults, for a section the config layer did not default (a driver test).
  private get alias(): boolean {
    return this.cfg.alias ?? true;
  }

  private get checkCarrier(): boolean {
    return this.cfg.check_carrier ?? true;
  }

  private route(family: 4 | 6): DefaultRoute | undefined {
    return this.cfg.gateway ? new DefaultRoute(this.rid, this.cfg.gateway, this.dev, family) : undefined;
  }

  label(): string {
    return `${this.resolved?.addr ?? this.cfg.ipname}@${this.cfg.ipdev}`;
  }

  private async address(ctx: ActionContext): Promise<{ addr: string; family: 4 | 6 }> {
    if (this.resolved) return this.resolved;
    let addr = this.cfg.ipname;
    if (!isIP(addr)) {
      const r = await ctx.exec(['getent', 'ahosts', addr]);
      addr = r.stdout.split(/\s+/)[0] ?? '';
      if (r.code !== 0 || !isIP(addr)) {
        throw new CapsuleError('IpUnresolved', `${this.rid}: ${this.cfg.ipname} does not resolve to an address`, { hint: 'fix ipname, or add the name to /etc/hosts or DNS' });
      }
    }
    this.resolved = { addr, family: isIP(addr) as 4 | 6 };
    return this.resolved;
  }

  /** Interfaces of this host holding `addr`, whether ipdev exists, and every address line (for alias labels). */
  private async holders(ctx: ActionContext, addr: string): Promise<{ devs: string[]; ipdevExists: boolean; lines: AddrLine[] }> {
    const r = await ctx.exec(['ip', '-o', 'addr', 'show']);
    if (r.code !== 0) throw new CapsuleError('IpCommandFailed', `${this.rid}: ip addr show failed: ${r.stderr.trim()}`, { hint: 'install iproute2' });
    const lines = parseAddrShow(r.stdout);
    const devs = lines.filter((l) => l.addr === addr).map((l) => l.dev);
    let ipdevExists = lines.some((l) => l.dev === this.dev);
    if (!ipdevExists) ipdevExists = (await ctx.exec(['ip', 'link', 'show', 'dev', this.dev])).code === 0;
    return { devs, ipdevExists, lines };
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const { addr, family } = await this.address(ctx);
    const { devs, ipdevExists } = await this.holders(ctx, addr);
    if (!ipdevExists) return { status: 'down', log: [`warn: interface ${this.dev} does not exist`] };
    const carrier = this.checkCarrier ? await readCarrier(ctx, this.dev) : { up: true as const };
    const noCarrier = carrier.up ? [] : [`warn: ${carrier.why}`];
    if (devs.includes(this.dev)) {
      // Every status check of a held address announces it again (one packet, not waited for): if another node held it
      // for a while (a double start, a node being fenced), the neighbours that learnt its MAC come back here within a
      // status round instead of when their ARP entry expires.
      if (family === 4 && carrier.up) void this.announce(ctx, addr).catch(() => undefined);
      const route = this.route(family);
      const noRoute = route && !(await route.present(ctx)) ? [`warn: no default route via ${this.cfg.gateway} dev ${this.dev} (gateway)`] : [];
      const log = [...noCarrier, ...noRoute];
      return { status: log.length ? 'warn' : 'up', log };
    }
    if (devs.length) return { status: 'warn', log: [`warn: ${addr} is on ${devs.join(', ')}, not ${this.dev}`] };
    return { status: 'down', log: noCarrier };
  }

  async start(ctx: ActionContext): Promise<void> {
    const { addr, family } = await this.address(ctx);
    const prefix = prefixLength(this.cfg.netmask, family, this.rid);
    const { devs, ipdevExists, lines } = await this.holders(ctx, addr);
    if (!ipdevExists) throw new CapsuleError('IpdevMissing', `${this.rid}: interface ${this.dev} does not exist`, { hint: `fix ${this.rid}.ipdev` });
    if (devs.includes(this.dev)) return this.route(family)?.add(ctx);
    if (devs.length) throw this.inUse(addr, `it is already configured on ${devs.join(', ')} of this node`);
    await this.requireCarrier(ctx);
    await this.checkWire(ctx, addr, family);
    const argv = ['ip', 'addr', 'add', `${addr}/${prefix}`, 'dev', this.dev, ...this.labelArgs(family, lines)];
    const add = await ctx.exec(argv);
    if (add.code !== 0) throw new CapsuleError('IpAddFailed', `${this.rid}: ${argv.join(' ')} failed: ${add.stderr.trim()}`, { hint: 'see the ip(8) error above' });
    if (family === 4) await this.announce(ctx, addr);
    try {
      await this.route(family)?.add(ctx);
    } catch (e) {
      // The address this start added goes with the failed route: the engine rolls back the resources that started, not this one.
      await ctx.exec(['ip', 'addr', 'del', `${addr}/${prefix}`, 'dev', this.dev]);
      throw e;
    }
  }

  /** OpenSVC's allow_start: no carrier refuses the start unless forced. */
  private async requireCarrier(ctx: ActionContext): Promise<void> {
    if (!this.checkCarrier) return;
    const carrier = await readCarrier(ctx, this.dev);
    if (carrier.up) return;
    if (ctx.force) return ctx.log.warn(`${this.rid}: ${carrier.why}; starting anyway (--force)`);
    throw new CapsuleError(IpCode.NoCarrier, `${this.rid}: ${carrier.why}: the address would be unreachable`, {
      hint: `plug ${this.dev} in or bring it up (ip link set dev ${this.dev} up); for a bridge without ports set ${this.rid}.check_carrier = false; --force starts anyway`,
      details: { rid: this.rid },
    });
  }

  /** IPv4 with alias: `label ipdev:N` (forced by ipdev INTF:N, else the lowest free N); IPv6 addresses take no label. */
  private labelArgs(family: 4 | 6, lines: readonly AddrLine[]): string[] {
    if (family !== 4 || !this.alias) return [];
    const label = this.forcedLabel ?? nextAliasLabel(this.dev, lines);
    if (label.length >= IFNAMSIZ) {
      throw new CapsuleError(IpCode.AliasInvalid, `${this.rid}: alias label ${label} is longer than the ${IFNAMSIZ - 1} characters a label may have`, {
        hint: `set ${this.rid}.alias = false (the address is then added unlabelled), or use a shorter interface name`,
        details: { rid: this.rid },
      });
    }
    return ['label', label];
  }

  /** Tells the neighbours' ARP caches the address is here; best effort. The packet leaves at once, then arping idles a second: cut short. */
  private async announce(ctx: ActionContext, addr: string): Promise<void> {
    await ctx.exec(['arping', '-U', '-c', '1', '-I', this.dev, addr], { timeoutMs: ARP_WAIT_MS }).catch(ignoreTimeout);
  }

  /** Duplicate address detection: does anyone on the link already answer for addr? */
  private async checkWire(ctx: ActionContext, addr: string, family: 4 | 6): Promise<void> {
    if (family === 6) {
      ctx.log.info(`${addr}: IPv6 duplicate detection is left to the kernel (DAD)`);
      return;
    }
    // Several probes, each its own arping started PROBE_GAP_MS after the previous (iputils takes whole seconds
    // between the probes of one arping): a holder on the link answers each within milliseconds. An arping waits out
    // its whole -w second when nobody answers, and a failover would wait with it: each is cut short.
    const probe = (i: number) =>
      new Promise((r) => setTimeout(r, i * PROBE_GAP_MS)).then(() => ctx.exec(['arping', '-D', '-q', '-c', '1', '-w', '1', '-I', this.dev, addr], { timeoutMs: ARP_WAIT_MS }).catch(ignoreTimeout));
    const results = await Promise.all(Array.from({ length: DAD_PROBES }, (_, i) => probe(i)));
    if (results.some((r) => r.code === 127)) {
      ctx.log.warn(`arping is not installed: the check that ${addr} is free on the network was skipped (apt-get install iputils-arping)`);
      return;
    }
    // iputils arping -D exits 1 when a reply came back: someone holds the address.
    if (results.some((r) => r.code === 1)) throw this.inUse(addr, `another host answers ARP for it on ${this.dev}`);
    for (const r of results) if (r.code !== 0) ctx.log.warn(`arping -D ${addr} exited ${r.code}: ${r.stderr.trim()}`);
  }

  private inUse(addr: string, why: string): CapsuleError {
    return new CapsuleError('IpInUse', `${this.rid}: ${addr} is in use: ${why}`, {
      hint: 'stop the service where the address runs, or fix ipname',
      details: { rid: this.rid, addr },
    });
  }

  async stop(ctx: ActionContext): Promise<void> {
    const { addr, family } = await this.address(ctx);
    const { devs } = await this.holders(ctx, addr);
    if (!devs.includes(this.dev)) return;
    // The route goes first: it goes through the address.
    await this.route(family)?.remove(ctx);
    const prefix = prefixLength(this.cfg.netmask, family, this.rid);
    const r = await ctx.exec(['ip', 'addr', 'del', `${addr}/${prefix}`, 'dev', this.dev]);
    if (r.code !== 0) throw new CapsuleError('IpDelFailed', `${this.rid}: ip addr del ${addr}/${prefix} dev ${this.dev} failed: ${r.stderr.trim()}`, { hint: 'check the address and netmask' });
  }
}
