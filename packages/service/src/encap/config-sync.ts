// Config sync with a guest before any encapsulated action. The newer copy
// wins: a guest's newer file is fetched (keeping its mtime), an older or
// missing one is replaced. An empty or invalid file is never installed, and
// an edit made in the container is never rolled back.
import { installConfig, type KeywordRegistry } from '@capsule/config';
import { CapsuleError, type ActionContext } from '@capsule/core';
import { readFile, stat, utimes } from 'node:fs/promises';
import type { Guest } from './guest.js';

export type SyncResult = 'fetched' | 'pushed' | 'in sync';

const AGENT_TIMEOUT_MS = 30_000;

async function guestMtime(g: Guest, ctx: ActionContext): Promise<number | undefined> {
  const r = await g.agent(ctx, ['print', 'config', 'mtime'], { timeoutMs: AGENT_TIMEOUT_MS });
  if (r.code !== 0) return undefined;
  const ms = Number(r.stdout.trim());
  return Number.isFinite(ms) ? Math.floor(ms) : undefined;
}

export async function syncConfig(g: Guest, ctx: ActionContext, registry: KeywordRegistry): Promise<SyncResult> {
  const file = g.svc.configFile;
  const local = Math.floor((await stat(file)).mtimeMs);
  const remote = await guestMtime(g, ctx);
  // utimes rounds to the microsecond and mtimeMs is a float: a 1 ms difference is the same edit.
  if (remote !== undefined && Math.abs(remote - local) <= 1) return 'in sync';
  if (remote !== undefined && remote > local) {
    const r = await g.agent(ctx, ['print', 'config', '--raw'], { timeoutMs: AGENT_TIMEOUT_MS });
    if (r.code !== 0) throw new CapsuleError('ConfigFetchFailed', `${g.rid}: cannot read the config of ${g.svc.svcname} in ${g.name}: ${r.stderr.trim()}`, { hint: `check \`svcmgr -s ${g.svc.svcname} print config\` in ${g.name}` });
    // Validated against this node's registry, as the hypervisor reads it: a bad guest edit stays in the guest.
    await installConfig(file, r.stdout, registry, { nodename: g.svc.nodename, svcname: g.svc.svcname });
    await utimes(file, new Date(remote), new Date(remote));
    ctx.log.info(`fetched the newer config of ${g.svc.svcname} from ${g.name}`);
    return 'fetched';
  }
  const text = await readFile(file, 'utf8');
  const r = await g.agent(ctx, ['create', '--config', '-'], { timeoutMs: AGENT_TIMEOUT_MS, input: text });
  if (r.code !== 0) throw new CapsuleError('ConfigPushFailed', `${g.rid}: ${g.name} refused the config of ${g.svc.svcname}: ${r.stderr.trim()}`, { hint: 'validate the file in the guest view: `svcmgr print config --eval --impersonate GUEST`' });
  // Same mtime on both sides: the next action finds them in sync instead of fetching back.
  const after = await guestMtime(g, ctx);
  if (after !== undefined) await utimes(file, new Date(after), new Date(after));
  ctx.log.info(`pushed the config of ${g.svc.svcname} to ${g.name}`);
  return 'pushed';
}
