// What a guest may change in the service file on its own. A config pulled
// from a guest is installed automatically only when everything the
// hypervisor level reads is unchanged, compared as the hypervisor evaluates
// both files: [DEFAULT], [env], subsets, every section that is not
// encapsulated, and every hook anywhere. Otherwise the guest's copy is held
// aside (var/lib/capsule/SVC/from-GUEST.conf), nothing of it runs, and an
// administrator reviews it (`print config --diff-guest`) and accepts it
// (`sync --accept-from`). Without this rule, a guest could write a hook the
// hypervisor runs as root.
//
// What goes the other way is the guest's view of the file (config/guest-view.ts):
// a guest's copy comes back as that view edited, and is merged into this
// node's file before anything is compared. A merge that would show the guest
// more than it had (an [env] entry it now refers to, say) is a change for an
// administrator too: a guest cannot read a secret by naming it.
import { contentHash, evaluateConfig, guestView, mergeGuestView, parseConfig, readClusterInfo, writeStateFile, type ConfigVersion, type EvaluatedConfig, type KeywordRegistry, type ViewRules } from '@capsule/config';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Service } from '../model.js';

const HOOK = /^(blocking_)?(pre|post)_/;

/** Evaluation folds `tags = encap` into encap. */
const isEncap = (s: EvaluatedConfig['sections'][number]) => s.kind.kind === 'resource' && s.values['encap'] === true;

/** section.keyword -> evaluated value (as JSON), for what the hypervisor level reads. */
function hypervisorView(cfg: EvaluatedConfig): Map<string, string> {
  const view = new Map<string, string>();
  for (const s of cfg.sections) {
    const v = s.values;
    const encap = isEncap(s);
    for (const [k, x] of Object.entries(v)) {
      if (!encap || HOOK.test(k)) view.set(`${s.name}.${k}`, JSON.stringify(x));
    }
    // A broken keyword reads as its error: changing which keywords break is a change too.
    for (const [k, e] of Object.entries(s.errors)) if (!encap) view.set(`${s.name}.${k}`, `error: ${e.message}`);
  }
  view.set('DEFAULT.nodes', JSON.stringify(cfg.sets.nodes));
  view.set('DEFAULT.drpnodes', JSON.stringify(cfg.sets.drpnodes));
  view.set('DEFAULT.encapnodes', JSON.stringify(cfg.sets.encapnodes));
  return view;
}

type ServiceFile = Pick<Service, 'svcname' | 'nodename' | 'root' | 'configFile'>;

async function evaluated(svc: ServiceFile, text: string, file: string, registry: KeywordRegistry): Promise<EvaluatedConfig> {
  const ctx = { nodename: svc.nodename, svcname: svc.svcname, root: svc.root, cluster: await readClusterInfo(svc.root) };
  return evaluateConfig(parseConfig(text, file), registry, ctx);
}

/** Which sections reach a guest whole: everything but the resources the hypervisor level runs. */
export function viewRules(cfg: EvaluatedConfig, guest: string): ViewRules {
  const hidden = new Set(cfg.sections.filter((s) => s.kind.kind === 'env' || (s.kind.kind === 'resource' && !isEncap(s))).map((s) => s.name));
  return { guest, visible: (name) => !hidden.has(name) };
}

/** The text pushed into `guest`, and its hash: what the guest's `print config version` answers once in step. */
export async function viewFor(svc: ServiceFile, text: string, guest: string, registry: KeywordRegistry): Promise<{ text: string; hash: string }> {
  const view = guestView(parseConfig(text, svc.configFile), viewRules(await evaluated(svc, text, svc.configFile, registry), guest));
  return { text: view, hash: contentHash(view) };
}

export interface GuestProposal {
  /** This node's file with the guest's edit in it. */
  merged: string;
  /** The guest's view of the merged file: what it is given if it differs from what it sent. */
  view: string;
  /** Projecting the merge gives back the guest's text: both levels stay in step at its generation. */
  exact: boolean;
  changes: ViewChange[];
}

/** What installing a guest's copy (its view, edited) would change here. */
export async function proposalFrom(svc: ServiceFile, current: string, theirs: string, guest: string, registry: KeywordRegistry): Promise<GuestProposal> {
  const from = `${guest}:${svc.configFile}`;
  const here = await evaluated(svc, current, svc.configFile, registry);
  const merged = mergeGuestView(parseConfig(current, svc.configFile), parseConfig(theirs, from), viewRules(here, guest));
  const there = await evaluated(svc, merged, from, registry);
  const after = guestView(parseConfig(merged, from), viewRules(there, guest));
  const changes = changesBetween(here, there);
  if (after !== theirs) {
    // Entries the guest would see after this merge and does not see now.
    const had = new Set(parseConfig(theirs, from).sections.flatMap((s) => s.entries.map((e) => `${s.name}.${e.key}`)));
    for (const s of parseConfig(after, from).sections) {
      for (const e of s.entries) {
        const k = `${s.name}.${e.key}`;
        if (!had.has(k) && !changes.some((c) => c.keyword === k)) changes.push({ keyword: k, here: `(not shown to ${guest})`, proposed: `(shown to ${guest})` });
      }
    }
  }
  return { merged, view: after, exact: after === theirs, changes };
}

export interface ViewChange {
  keyword: string;
  /** The evaluated value here and in the proposed copy (JSON), absent when unset. */
  here?: string;
  proposed?: string;
}

/** The hypervisor-level keywords `proposed` changes (added, removed or with another value), sorted. */
export async function hypervisorChanges(svc: ServiceFile, current: string, proposed: string, from: string, registry: KeywordRegistry): Promise<ViewChange[]> {
  const [a, b] = await Promise.all([evaluated(svc, current, svc.configFile, registry), evaluated(svc, proposed, `${from}:${svc.configFile}`, registry)]);
  return changesBetween(a, b);
}

function changesBetween(a: EvaluatedConfig, b: EvaluatedConfig): ViewChange[] {
  const [va, vb] = [hypervisorView(a), hypervisorView(b)];
  // Hooks first: they are what would run as root here.
  const rank = (k: string) => (HOOK.test(k.slice(k.lastIndexOf('.') + 1)) ? 0 : 1);
  const keys = [...new Set([...va.keys(), ...vb.keys()])].sort((x, y) => rank(x) - rank(y) || x.localeCompare(y));
  return keys
    .filter((k) => va.get(k) !== vb.get(k))
    .map((k) => ({ keyword: k, ...(va.has(k) ? { here: va.get(k)! } : {}), ...(vb.has(k) ? { proposed: vb.get(k)! } : {}) }));
}

export interface HeldConfig {
  guest: string;
  version: ConfigVersion;
  changes: string[];
}

const heldFile = (svc: Pick<Service, 'varDir'>, guest: string) => join(svc.varDir, `from-${guest}.conf`);
const heldRecord = (svc: Pick<Service, 'varDir'>, guest: string) => join(svc.varDir, `from-${guest}.json`);

export async function holdGuestConfig(svc: Pick<Service, 'varDir'>, held: HeldConfig, text: string): Promise<void> {
  await writeStateFile(heldFile(svc, held.guest), text);
  await writeStateFile(heldRecord(svc, held.guest), JSON.stringify(held) + '\n');
}

export async function heldGuestConfig(svc: Pick<Service, 'varDir'>, guest: string): Promise<{ held: HeldConfig; text: string } | undefined> {
  const dir = svc.varDir;
  const [record, text] = await Promise.all([readFile(join(dir, `from-${guest}.json`), 'utf8').catch(() => undefined), readFile(join(dir, `from-${guest}.conf`), 'utf8').catch(() => undefined)]);
  if (record === undefined || text === undefined) return undefined;
  try {
    return { held: JSON.parse(record) as HeldConfig, text };
  } catch {
    return undefined;
  }
}

export async function releaseGuestConfig(svc: Pick<Service, 'varDir'>, guest: string): Promise<void> {
  await Promise.all([rm(heldFile(svc, guest), { force: true }), rm(heldRecord(svc, guest), { force: true })]);
}

/** The warning shown on the container while a guest's copy waits for review. */
export function heldWarning(svc: Pick<Service, 'svcname'>, held: HeldConfig): string {
  const shown = held.changes.slice(0, 5).join(', ') + (held.changes.length > 5 ? `, and ${held.changes.length - 5} more` : '');
  return `config from ${held.guest} changes hypervisor-level keywords: ${shown}; review with \`svcmgr -s ${svc.svcname} print config --diff-guest ${held.guest}\`, accept with \`svcmgr -s ${svc.svcname} sync --accept-from ${held.guest}\``;
}
