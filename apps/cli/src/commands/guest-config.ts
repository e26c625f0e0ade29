// Reviewing a guest's config copy held because it changes hypervisor-level
// keywords: `print config --diff-guest NAME` and `sync --accept-from NAME`.
import { installReceived, readClusterInfo, servicePaths } from '@capsule/config';
import { CapsuleError, systemClock } from '@capsule/core';
import { heldGuestConfig, hypervisorChanges, releaseGuestConfig } from '@capsule/service';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';
import { keywordRegistry } from '@capsule/runtime';
import { serviceName } from './service-config.js';

async function held(ctx: CommandContext, guest: string) {
  const paths = servicePaths(ctx.root, serviceName(ctx));
  const h = await heldGuestConfig(paths, guest);
  if (!h) {
    throw new CapsuleError('GuestConfigNotHeld', `no config from ${guest} waits for review in ${paths.varDir}`, {
      hint: `a guest's copy is held only when it changes hypervisor-level keywords; see \`svcmgr -s ${serviceName(ctx)} print status\``,
    });
  }
  return { paths, ...h };
}

export async function diffGuest(ctx: CommandContext, guest: string): Promise<number> {
  const { paths, text, held: h } = await held(ctx, guest);
  const { readFile } = await import('node:fs/promises');
  const svc = { svcname: serviceName(ctx), nodename: ctx.nodename, root: ctx.root, configFile: paths.config };
  const changes = await hypervisorChanges(svc, await readFile(paths.config, 'utf8'), text, guest, keywordRegistry(ctx));
  // What the merge would newly show the guest is not a hypervisor-level value: the record keeps it.
  for (const k of h.changes) if (!changes.some((c) => c.keyword === k)) changes.push({ keyword: k, here: `(not shown to ${guest})`, proposed: `(shown to ${guest})` });
  if (ctx.format === 'json') {
    ctx.out(renderJson(changes));
    return 0;
  }
  for (const c of changes) ctx.out(`${c.keyword}\n  here:      ${c.here ?? '(unset)'}\n  ${guest}: ${' '.repeat(Math.max(0, 8 - guest.length))}${c.proposed ?? '(unset)'}\n`);
  return 0;
}

export async function acceptFrom(ctx: CommandContext): Promise<number> {
  const guest = ctx.options['accept-from'];
  if (typeof guest !== 'string') throw new CapsuleError('UsageError', 'sync needs --accept-from GUEST', { hint: `svcmgr -s ${serviceName(ctx)} sync --accept-from vm1` });
  const { paths, held: h, text } = await held(ctx, guest);
  const evalCtx = { nodename: ctx.nodename, svcname: serviceName(ctx), root: ctx.root, cluster: await readClusterInfo(ctx.root) };
  const installed = await installReceived(paths, text, h.version, { registry: keywordRegistry(ctx), ctx: evalCtx, from: guest, clock: systemClock });
  if (!installed) {
    throw new CapsuleError('ConfigConflict', `this node's config changed since ${guest}'s copy was held (generation ${h.version.generation} is no longer newer)`, {
      hint: `review again after the next action, or edit the file to keep: its next generation wins`,
    });
  }
  await releaseGuestConfig({ varDir: paths.varDir }, guest);
  ctx.err(`installed generation ${h.version.generation} from ${guest}\n`);
  return 0;
}
