// `nodemgr man svcmgr|nodemgr|svcmon|capsule.conf`: the man page in roff,
// generated from the command tables and the installed drivers' keyword
// tables (man.ts); `| man -l -` reads it, a package installs it.
import { CapsuleError, ErrorCode } from '@capsule/core/errors';
import { containerKeywords, defaultKeywords, resourceKeywords } from '@capsule/config';
import { discoverDrivers } from '@capsule/plugin-host';
import { discoveryOptions } from '@capsule/runtime/discovery';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { confPage, programPage, type KeywordSection } from '../man.js';
import { nodemgr } from '../programs/nodemgr.js';
import { svcmgr } from '../programs/svcmgr.js';
import { svcmon } from '../programs/svcmon.js';
import type { CommandContext } from '../spec.js';

const PROGRAMS = { svcmgr, nodemgr, svcmon };
const PAGES = [...Object.keys(PROGRAMS), 'capsule.conf'];

/** Every keyword table: the service's, every resource's, then each installed driver's, one section per group.type. */
async function keywordSections(ctx: CommandContext): Promise<KeywordSection[]> {
  const registry = await discoverDrivers(discoveryOptions(ctx));
  const sections: KeywordSection[] = [
    { title: 'The [DEFAULT] section', keywords: defaultKeywords },
    { title: 'Every resource section', keywords: resourceKeywords },
    { title: 'Every container section, whatever its type', keywords: containerKeywords },
  ];
  const provided = [...new Set(registry.list().flatMap((e) => e.provides))].sort();
  for (const key of provided) {
    const [group, type] = key.split('.') as [string, string | undefined];
    const owner = registry.providers(key)[0];
    try {
      sections.push({ title: `${group}#N with type = ${type ?? group} (${owner?.name ?? 'built in'})`, keywords: await registry.loadKeywords(group, type) });
    } catch (e) {
      // A driver whose keywords cannot be read here (another platform's, broken): named, not silently left out.
      sections.push({ title: `${group}#N with type = ${type ?? group} (${owner?.name ?? '?'}): keywords unreadable here: ${(e as Error).message.split('\n')[0]}`, keywords: [] });
    }
  }
  return sections;
}

export async function run(ctx: CommandContext): Promise<number> {
  const page = ctx.positionals[0];
  if (!page || !PAGES.includes(page)) throw new CapsuleError(ErrorCode.UsageError, `nodemgr man ${page ?? ''}: no such page`, { hint: `one of ${PAGES.join(', ')}; read it with nodemgr man ${PAGES[0]} | man -l -` });
  const version = (JSON.parse(await readFile(join(ctx.appRoot, 'package.json'), 'utf8')) as { version: string }).version;
  // The date of this capsule's build, not today's: the same package gives the same page.
  const date = stat(join(ctx.appRoot, 'package.json')).then((s) => s.mtime.toISOString().slice(0, 10));
  if (page === 'capsule.conf') ctx.out(confPage(await keywordSections(ctx), version, await date));
  else ctx.out(programPage(PROGRAMS[page as keyof typeof PROGRAMS], version, await date));
  return 0;
}
