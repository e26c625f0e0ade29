// The link carrier of an interface (check_carrier): sysfs's carrier file
// reads 1 or 0, and fails (EINVAL) while the interface is administratively
// down, which is no carrier either.
import type { ActionContext } from '@capsule/core';

export type Carrier = { up: true } | { up: false; why: string };

export function carrierOf(code: number, stdout: string, dev: string): Carrier {
  if (code === 0 && stdout.trim() === '1') return { up: true };
  if (code === 0 && stdout.trim() === '0') return { up: false, why: `no carrier on ${dev}` };
  return { up: false, why: `${dev} is administratively down` };
}

export async function readCarrier(ctx: ActionContext, dev: string): Promise<Carrier> {
  const r = await ctx.exec(['cat', `/sys/class/net/${dev}/carrier`]);
  return carrierOf(r.code, r.stdout, dev);
}
