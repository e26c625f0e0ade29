// A service address on an interface: refused when anyone already answers
// for it (three probes), added with `ip addr`, announced with a gratuitous
// ARP at the start and again at every status check while held.
import { CapsuleError, isCapsuleError, type ActionContext, type ExecResult, type Resource, type ResourceInit, type ResourceStatus, type SectionConfig } from '@capsule/core';
import type { keywords } from './keywords.js';
import { isIP } from 'node:net';
import { prefixLength } from './address.js';

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

  constructor(init: ResourceInit<IpConfig>) {
    this.rid = init.rid;
    this.cfg = init.config;
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

  /** Interfaces of this host holding `addr`; undefined when ipdev does not exist. */
  private async holders(ctx: ActionContext, addr: string): Promise<{ devs: string[]; ipdevExists: boolean }> {
    const r = await ctx.exec(['ip', '-o', 'addr', 'show']);
    if (r.code !== 0) throw new CapsuleError('IpCommandFailed', `${this.rid}: ip addr show failed: ${r.stderr.trim()}`, { hint: 'install iproute2' });
    const devs: string[] = [];
    let ipdevExists = false;
    for (const line of r.stdout.split('\n')) {
      // "2: eth0    inet 198.51.100.5/24 brd ... scope global eth0"
      const m = /^\d+:\s+(\S+?)(?:@\S+)?\s+inet6?\s+([^/\s]+)\//.exec(line);
      if (!m) continue;
      if (m[1] === this.cfg.ipdev) ipdevExists = true;
      if (m[2] === addr) devs.push(m[1]!);
    }
    if (!ipdevExists) ipdevExists = (await ctx.exec(['ip', 'link', 'show', 'dev', this.cfg.ipdev])).code === 0;
    return { devs, ipdevExists };
  }

  async status(ctx: ActionContext): Promise<ResourceStatus> {
    const { addr, family } = await this.address(ctx);
    const { devs, ipdevExists } = await this.holders(ctx, addr);
    if (!ipdevExists) return { status: 'down', log: [`warn: interface ${this.cfg.ipdev} does not exist`] };
    if (devs.includes(this.cfg.ipdev)) {
      // Every status check of a held address announces it again (one packet, not waited for): if another node held it
      // for a while (a double start, a node being fenced), the neighbours that learnt its MAC come back here within a
      // status round instead of when their ARP entry expires.
      if (family === 4) void this.announce(ctx, addr).catch(() => undefined);
      return { status: 'up', log: [] };
    }
    if (devs.length) return { status: 'warn', log: [`warn: ${addr} is on ${devs.join(', ')}, not ${this.cfg.ipdev}`] };
    return { status: 'down', log: [] };
  }

  async start(ctx: ActionContext): Promise<void> {
    const { addr, family } = await this.address(ctx);
    const prefix = prefixLength(this.cfg.netmask, family, this.rid);
    const { devs, ipdevExists } = await this.holders(ctx, addr);
    if (!ipdevExists) throw new CapsuleError('IpdevMissing', `${this.rid}: interface ${this.cfg.ipdev} does not exist`, { hint: `fix ${this.rid}.ipdev` });
    if (devs.includes(this.cfg.ipdev)) return;
    if (devs.length) throw this.inUse(addr, `it is already configured on ${devs.join(', ')} of this node`);
    await this.checkWire(ctx, addr, family);
    const add = await ctx.exec(['ip', 'addr', 'add', `${addr}/${prefix}`, 'dev', this.cfg.ipdev]);
    if (add.code !== 0) throw new CapsuleError('IpAddFailed', `${this.rid}: ip addr add ${addr}/${prefix} dev ${this.cfg.ipdev} failed: ${add.stderr.trim()}`, { hint: 'see the ip(8) error above' });
    if (family === 4) await this.announce(ctx, addr);
  }

  /** Tells the neighbours' ARP caches the address is here; best effort. The packet leaves at once, then arping idles a second: cut short. */
  private async announce(ctx: ActionContext, addr: string): Promise<void> {
    await ctx.exec(['arping', '-U', '-c', '1', '-I', this.cfg.ipdev, addr], { timeoutMs: ARP_WAIT_MS }).catch(ignoreTimeout);
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
      new Promise((r) => setTimeout(r, i * PROBE_GAP_MS)).then(() => ctx.exec(['arping', '-D', '-q', '-c', '1', '-w', '1', '-I', this.cfg.ipdev, addr], { timeoutMs: ARP_WAIT_MS }).catch(ignoreTimeout));
    const results = await Promise.all(Array.from({ length: DAD_PROBES }, (_, i) => probe(i)));
    if (results.some((r) => r.code === 127)) {
      ctx.log.warn(`arping is not installed: the check that ${addr} is free on the network was skipped (apt-get install iputils-arping)`);
      return;
    }
    // iputils arping -D exits 1 when a reply came back: someone holds the address.
    if (results.some((r) => r.code === 1)) throw this.inUse(addr, `another host answers ARP for it on ${this.cfg.ipdev}`);
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
    if (!devs.includes(this.cfg.ipdev)) return;
    const prefix = prefixLength(this.cfg.netmask, family, this.rid);
    const r = await ctx.exec(['ip', 'addr', 'del', `${addr}/${prefix}`, 'dev', this.cfg.ipdev]);
    if (r.code !== 0) throw new CapsuleError('IpDelFailed', `${this.rid}: ip addr del ${addr}/${prefix} dev ${this.cfg.ipdev} failed: ${r.stderr.trim()}`, { hint: 'check the address and netmask' });
  }
}
