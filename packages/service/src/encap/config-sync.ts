// Config sync with a guest before any encapsulated action, by generation
// (config/version.ts), never by clock: the guest's later generation is
// fetched (an edit made in the container is never rolled back), ours is
// pushed when later, and the same generation with different content is a
// conflict reported on the container, resolved by nobody but an admin.
// A fetched copy that changes hypervisor-level keywords is held for review
// (guest-config.ts), and the guest's edit is not pushed over either.
// An empty or invalid file is never installed, on either side. What a guest
// holds is its view of the file (guest-config.ts): the generation is shared,
// the hash compared is the view's.
import { child, contentHash, currentVersion, noConfigFile, decideSync, installReceived, parseVersion, readClusterInfo, recordVersion, servicePaths, withConfigLock, type ConfigVersion, type KeywordRegistry } from '@capsule/config';
import { CapsuleError } from '@capsule/core';
import { readFile } from 'node:fs/promises';
import { sanitize, type Guest, type GuestCall } from './guest.js';
import { heldGuestConfig, heldWarning, holdGuestConfig, proposalFrom, releaseGuestConfig, viewFor } from './guest-config.js';

export type SyncResult = 'fetched' | 'pushed' | 'in sync' | 'held';

const AGENT_TIMEOUT_MS = 30_000;

async function guestVersion(g: Guest, c: GuestCall): Promise<ConfigVersion | undefined> {
  const r = await g.agent(c, ['print', 'config', 'version'], { timeoutMs: AGENT_TIMEOUT_MS });
  // No config there yet (or an agent that cannot tell): ours is pushed, it validates there or is refused.
  if (r.code !== 0) return undefined;
  return parseVersion(r.stdout.trim(), `${g.rid} (${g.name})`);
}

export async function syncConfig(g: Guest, c: GuestCall, registry: KeywordRegistry): Promise<SyncResult> {
  const svc = g.svc;
  const paths = servicePaths(svc.root, svc.svcname);
  // Under the lock: a hand edit found here is recorded, and no writer is between its file and its record.
  let local = await withConfigLock(paths, svc.svcname, `sync with ${g.name}`, () => currentVersion(svc.configFile, paths.varDir));
  if (!local) throw noConfigFile(svc.configFile);
  const text = await readFile(svc.configFile, 'utf8');
  if (contentHash(text) !== local.hash) throw new CapsuleError('ConfigConflict', `${svc.configFile} changed during the sync with ${g.name}`, { hint: 'retry the action' });
  // Both levels compare the guest's view: the guest never holds the whole file.
  const view = await viewFor(svc, text, g.name, registry);
  const remote = await guestVersion(g, c);
  if (remote?.hash === local.hash && view.hash !== local.hash) {
    // The whole file, pushed by an older agent: replaced by the view at the next generation.
    // A child of the same content: the record keeps its lineage and acknowledgements (peers compare those).
    local = child(local, local.hash);
    await withConfigLock(paths, svc.svcname, `sync with ${g.name}`, () => recordVersion(paths.varDir, local!));
  }
  const decision = decideSync({ generation: local.generation, hash: view.hash }, remote);
  if (decision === 'in sync') return 'in sync';
  if (decision === 'conflict') {
    throw new CapsuleError('ConfigConflict', `${g.rid}: the config of ${svc.svcname} differs between ${svc.nodename} and ${g.name} at the same generation ${local.generation}`, {
      hint: `look at both (\`svcmgr -s ${svc.svcname} print config\` here and in ${g.name}), then edit the one to keep with \`svcmgr set\` or \`edit config\`: its next generation wins`,
      details: { rid: g.rid, guest: g.name, generation: local.generation },
    });
  }
  if (decision === 'fetch') {
    const r = await g.agent(c, ['print', 'config', '--raw'], { timeoutMs: AGENT_TIMEOUT_MS });
    if (r.code !== 0) throw new CapsuleError('ConfigFetchFailed', `${g.rid}: cannot read the config of ${svc.svcname} in ${g.name}: ${sanitize(r.stderr.trim().split('\n').pop() ?? '').slice(0, 300)}`, { hint: `check \`svcmgr -s ${svc.svcname} print config\` in ${g.name}` });
    if (contentHash(r.stdout) !== remote!.hash) throw new CapsuleError('ConfigConflict', `${g.rid}: the config of ${svc.svcname} in ${g.name} changed during the sync`, { hint: 'retry the action' });
    // A guest may change its own level; what the hypervisor runs, or shows the guest, needs an administrator's yes.
    const p = await proposalFrom(svc, text, r.stdout, g.name, registry);
    // A merge that does not project back to the guest's text is pushed again as a new generation.
    const version = { generation: remote!.generation + (p.exact ? 0 : 1), hash: contentHash(p.merged) };
    if (p.changes.length) {
      const held = { guest: g.name, version, changes: p.changes.map((c) => c.keyword) };
      await holdGuestConfig(svc, held, p.merged);
      c.log.warn(heldWarning(svc, held));
      return 'held';
    }
    await releaseGuestConfig(svc, g.name);
    // Validated as the hypervisor reads it: a bad guest edit stays in the guest.
    const ctx = { nodename: svc.nodename, svcname: svc.svcname, root: svc.root, cluster: await readClusterInfo(svc.root) };
    const installed = await installReceived(paths, p.merged, version, { registry, ctx, from: g.name, ...(c.runtime.clock ? { clock: c.runtime.clock } : {}) });
    if (!installed) return 'in sync';
    c.log.info(`fetched generation ${remote!.generation} of the config of ${svc.svcname} from ${g.name}`);
    if (!p.exact) await push(g, c, p.view, version.generation);
    return 'fetched';
  }
  const pending = await heldGuestConfig(svc, g.name);
  if (pending) {
    // The guest's held edit is not pushed over until an administrator decides on it.
    c.log.warn(heldWarning(svc, pending.held));
    return 'held';
  }
  await push(g, c, view.text, local.generation);
  return 'pushed';
}

async function push(g: Guest, c: GuestCall, view: string, generation: number): Promise<void> {
  await g.agentChecked(c, ['create', '--config', '-', '--generation', String(generation)], { timeoutMs: AGENT_TIMEOUT_MS, input: view });
  c.log.info(`pushed generation ${generation} of the config of ${g.svc.svcname} to ${g.name}`);
}
