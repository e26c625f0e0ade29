// nodemgr driver list (and its older name, nodemgr drivers): installed
// driver plugins, from their manifests only, where each is installed (the
// driver directory or the app), the unusable ones and why, and which
// provider serves a contested type.
import { CapsuleError } from '@capsule/core/errors';
import { closest } from '@capsule/core/suggest';
import { discoverDrivers, PREFERENCE_RULE, type DriverEntry } from '@capsule/plugin-host';
import type { DriverCapabilities } from '@capsule/core';
import { renderJson, renderTable } from '../output.js';
import type { CommandContext } from '../spec.js';
import { discoveryOptions } from '@capsule/runtime/discovery';

/** For every group.type with several usable providers: the one used, and the others. */
function contested(entries: readonly DriverEntry[], providers: (key: string) => DriverEntry[]): Array<{ provides: string; used: string; others: string[] }> {
  const keys = [...new Set(entries.flatMap((e) => (e.compatible ? e.provides : [])))].sort();
  return keys.flatMap((key) => {
    const usable = providers(key).filter((e) => e.compatible);
    if (usable.length < 2) return [];
    const [used, ...others] = usable.map((e) => `${e.name}@${e.version}`);
    return [{ provides: key, used: used!, others }];
  });
}

/** `guest:native,live-migrate,agentless,remote`, or `-`. */
function capabilityText(c: DriverCapabilities): string {
  const words = [c.guestChannel ? `guest:${c.guestChannel}` : '', c.liveMigrate ? 'live-migrate' : '', c.agentless ? 'agentless' : '', c.remoteManaged ? 'remote' : ''].filter(Boolean);
  return words.join(',') || '-';
}

export async function run(ctx: CommandContext): Promise<number> {
  const registry = await discoverDrivers(discoveryOptions(ctx));
  const entries = registry.list();
  const conflicts = contested(entries, (k) => registry.providers(k));
  const drivers = entries.map(({ name, version, provides, platforms, compatible, reason, source, dir, manifest }) => {
    const shadowed = conflicts.filter((c) => provides.includes(c.provides) && c.used !== `${name}@${version}`).map((c) => ({ provides: c.provides, by: c.used }));
    const capabilities = manifest?.capabilities ?? {};
    return { name, version, provides, platforms, capabilities, compatible, ...(reason ? { reason } : {}), ...(shadowed.length ? { shadowed } : {}), source, dir };
  });
  if (ctx.format === 'json') {
    ctx.out(renderJson(drivers));
    return 0;
  }
  // Where it is installed comes first: a reason may be long, and `driver remove` takes only driver-dir ones.
  const rows = drivers.map((d) => [d.source, d.name, d.version, d.provides.join(','), d.platforms.join(','), capabilityText(d.capabilities), d.compatible ? 'yes' : `no: ${d.reason}`]);
  const notes = conflicts.map((c) => `${c.provides}: ${c.used} is used, not ${c.others.join(', ')} (${PREFERENCE_RULE})\n`);
  ctx.out(renderTable(['SOURCE', 'DRIVER', 'VERSION', 'PROVIDES', 'PLATFORMS', 'CAPABILITIES', 'USABLE'], rows) + (notes.length ? `\n${notes.join('')}` : ''));
  return 0;
}

const SUBCOMMANDS = ['list', 'add', 'remove', 'relink'];

/** `nodemgr driver` alone lists, as `driver list`; another word after it is a typo (add and remove have their own entries). */
export async function bare(ctx: CommandContext): Promise<number> {
  const word = ctx.positionals[0];
  if (word === undefined) return run(ctx);
  const near = closest(word, SUBCOMMANDS);
  throw new CapsuleError('UsageError', `nodemgr driver: unknown command "${word}", expected one of ${SUBCOMMANDS.join(', ')}`, {
    hint: near ? `did you mean \`nodemgr driver ${near}\`?` : '`nodemgr driver --help` says more',
  });
}
