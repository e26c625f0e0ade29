// The gateway keyword: a default route through ipdev while the address is
// up (OpenSVC adds it after the address and deletes it before, as its
// crossbow and netns drivers do), in the main table of the address's family.
import { CapsuleError, type ActionContext } from '@capsule/core';
import { IpCode } from './codes.js';

/** `ip route show default` lines: which gateway through which device. */
export function parseDefaultRoutes(text: string): { via?: string; dev?: string; line: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('default'))
    .map((line) => {
      const via = /\bvia (\S+)/.exec(line)?.[1];
      const dev = /\bdev (\S+)/.exec(line)?.[1];
      return { line, ...(via ? { via } : {}), ...(dev ? { dev } : {}) };
    });
}

export class DefaultRoute {
  constructor(
    private readonly rid: string,
    private readonly gateway: string,
    private readonly dev: string,
    private readonly family: 4 | 6,
  ) {}

  private async routes(ctx: ActionContext) {
    const r = await ctx.exec(['ip', `-${this.family}`, 'route', 'show', 'default']);
    if (r.code !== 0) throw this.failed('ip route show default', r.stderr);
    return parseDefaultRoutes(r.stdout);
  }

  async present(ctx: ActionContext): Promise<boolean> {
    return (await this.routes(ctx)).some((r) => r.via === this.gateway && r.dev === this.dev);
  }

  async add(ctx: ActionContext): Promise<void> {
    const routes = await this.routes(ctx);
    if (routes.some((r) => r.via === this.gateway && r.dev === this.dev)) return;
    const argv = ['ip', `-${this.family}`, 'route', 'add', 'default', 'via', this.gateway, 'dev', this.dev];
    const r = await ctx.exec(argv);
    if (r.code === 0) return ctx.log.info(`${this.rid}: ${argv.join(' ')}`);
    // The usual refusal: another default route of the same metric ("File exists").
    const other = routes.map((x) => x.line).join('; ');
    throw new CapsuleError(IpCode.GatewayFailed, `${this.rid}: ${argv.join(' ')} failed: ${r.stderr.trim()}${other ? ` (this node already has ${other})` : ''}`, {
      hint: other ? `remove the other default route, or ${this.rid}.gateway if this node keeps its own` : `check that ${this.gateway} is on the subnet of ${this.rid}`,
      details: { rid: this.rid },
    });
  }

  async remove(ctx: ActionContext): Promise<void> {
    if (!(await this.present(ctx))) return;
    const argv = ['ip', `-${this.family}`, 'route', 'del', 'default', 'via', this.gateway, 'dev', this.dev];
    const r = await ctx.exec(argv);
    if (r.code !== 0) throw this.failed(argv.join(' '), r.stderr);
  }

  private failed(command: string, stderr: string): CapsuleError {
    return new CapsuleError(IpCode.GatewayFailed, `${this.rid}: ${command} failed: ${stderr.trim()}`, { hint: 'see the ip(8) error above', details: { rid: this.rid } });
  }
}
