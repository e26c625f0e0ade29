// Config edits during the run, as an operator makes them: about every 20 s
// `svcmgr -s web set --param env.nemesis_K --value K` on a live node (the
// holder three times in four), K increasing. An edit is acknowledged when
// svcmgr exits 0; at the end every acknowledged edit must be in the
// service file of every node.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestCluster } from '@capsule/testenv';
import { chooseNode, editSchedule } from './schedule.js';
import { sleep } from './time.js';

export interface Edit {
  k: number;
  node: string;
  /** Made on the node holding the service (its replication master) at that moment. */
  onHolder: boolean;
  at: number;
  acknowledged: boolean;
  /** Why svcmgr failed, when it did. */
  error?: string;
}

export const SERVICE = 'web';

export const editArgs = (k: number) => ['-s', SERVICE, 'set', '--param', `env.nemesis_${k}`, '--value', String(k)];

/** Whether the service file text carries edit `k`. */
export const hasEdit = (text: string, k: number) => new RegExp(`^nemesis_${k}\\s*=\\s*${k}\\s*$`, 'm').test(text);

export interface EditLoopOptions {
  seed: number;
  until: number;
  /** The node holding the service now, if one does. */
  holder(): string | undefined;
  /** Nodes that are powered on now. */
  live(): string[];
  onEdit(e: Edit): void;
  signal: AbortSignal;
}

/** Edits until `until`; resolves with every edit tried. */
export async function editLoop(c: TestCluster, o: EditLoopOptions): Promise<Edit[]> {
  const edits: Edit[] = [];
  const plans = editSchedule(o.seed);
  for (let k = 1; ; k++) {
    const plan = plans.next().value;
    if (Date.now() + plan.afterMs >= o.until) return edits;
    await sleep(plan.afterMs, o.signal);
    const holder = o.holder();
    const node = chooseNode(plan, holder, o.live());
    if (!node) continue;
    const at = Date.now();
    const r = await c.cli(node, 'svcmgr', editArgs(k));
    const e: Edit = { k, node, onHolder: node === holder, at, acknowledged: r.code === 0, ...(r.code === 0 ? {} : { error: r.stderr.trim().split('\n').pop() || `exit ${r.code}` }) };
    edits.push(e);
    o.onEdit(e);
  }
}

/** The service file of every node. */
export async function serviceFiles(c: TestCluster): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of c.nodes.values()) out[n.name] = await readFile(join(n.root, 'etc/capsule', `${SERVICE}.conf`), 'utf8').catch(() => '');
  return out;
}

/** Acknowledged edits missing from some node's file, with the nodes that lack them. */
export function lostEdits(edits: readonly Edit[], files: Readonly<Record<string, string>>): (Edit & { missingOn: string[] })[] {
  return edits.flatMap((e) => {
    if (!e.acknowledged) return [];
    const missingOn = Object.keys(files).filter((n) => !hasEdit(files[n]!, e.k));
    return missingOn.length ? [{ ...e, missingOn }] : [];
  });
}
