// Which drivers this node's services need: each resource section's group
// and type, as this node evaluates it. What `driver remove` checks before
// taking a driver away. A type that cannot be evaluated counts as every
// value written for it: refusing a removal wrongly is cheaper than breaking
// a service. A file that cannot be read at all uses nothing it can name.
import { Evaluator, loadConfig, sectionKind, servicePaths } from '@capsule/config';
import { isCapsuleError } from '@capsule/core/errors';
import type { DriverUse } from '@capsule/plugin-host';
import { listServices } from '@capsule/runtime/services';
import type { CommandContext } from '../spec.js';

async function sectionsOf(ctx: CommandContext, service: string): Promise<DriverUse[]> {
  const doc = await loadConfig(servicePaths(ctx.root, service).config);
  const ev = new Evaluator(doc, { nodename: ctx.nodename, svcname: service, root: ctx.root });
  return doc.sections.flatMap((section) => {
    const kind = sectionKind(section.name);
    if (kind.kind !== 'resource') return [];
    const written = section.entries.filter((e) => e.keyword === 'type').map((e) => e.value);
    if (!written.length) return [{ service, group: kind.group }];
    try {
      const type = ev.get(section.name, 'type');
      return [{ service, group: kind.group, ...(type ? { type } : {}) }];
    } catch (e) {
      if (!isCapsuleError(e)) throw e;
      return written.map((type) => ({ service, group: kind.group, type }));
    }
  });
}

export async function driverUses(ctx: CommandContext): Promise<DriverUse[]> {
  const services = await listServices(ctx.root);
  const lists = await Promise.all(services.map((s) => sectionsOf(ctx, s).catch((e: unknown) => (isCapsuleError(e) ? [] : Promise.reject(e)))));
  return lists.flat();
}
