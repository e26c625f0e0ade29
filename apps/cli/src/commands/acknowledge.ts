// An edit of a clustered service is acknowledged (the command exits 0) only
// once a majority of the service's nodes hold it and have recorded it as
// acknowledged: before the edit, the copy is brought up to date from a
// majority (so an acknowledged edit made elsewhere is edited on, never
// beside); after it, it is pushed, then marked. Why that keeps every
// acknowledged edit: docs/architecture.md, "No acknowledged edit is lost".
// `--local` (or a service on one node, or a node outside any cluster)
// writes this node's copy alone, as before, and says so.
import { currentVersion, formatIssue, markAcked, readClusterInfo, recordVersion, relate, servicePaths, versionKey, withConfigLock, type WriteOptions, type Written } from '@capsule/config';
import { CapsuleError, systemClock } from '@capsule/core';
import { keywordRegistry, loadService, type LoadedService } from '@capsule/runtime';
import { access } from 'node:fs/promises';
import type { CommandContext } from '../spec.js';
import { Peers } from './peers.js';
import { exchange, peersOf, type PeerResult } from './replicate.js';
import { evalContext } from './service-config.js';

/** The service's nodes that vote on its edits, when the edit needs a vote: none when this node is outside a cluster or alone in the service. */
async function votersOf(ctx: CommandContext, loaded: LoadedService): Promise<string[]> {
  const cluster = await readClusterInfo(ctx.root);
  if (!cluster.nodes.includes(ctx.nodename)) return [];
  const voters = loaded.svc.nodes;
  return voters.some((n) => n !== ctx.nodename) ? voters : [];
}

const majorityOf = (voters: readonly string[]) => Math.floor(voters.length / 2) + 1;

async function load(ctx: CommandContext, name: string): Promise<LoadedService | undefined> {
  const paths = servicePaths(ctx.root, name);
  if (!(await access(paths.config).then(() => true, () => false))) return undefined;
  // A file that does not load cannot be replicated: its edit (the fix) is written here alone.
  return loadService(ctx, name).catch(() => undefined);
}

/**
 * Runs `write` (an edit through updateConfig) acknowledged by the cluster.
 * Throws ConfigNotAcknowledged, the edit written here, when no majority
 * could take it; it is pushed again by the daemon's replication.
 */
export async function acknowledged(ctx: CommandContext, name: string, action: string, write: (o: WriteOptions) => Promise<Written | undefined>): Promise<number> {
  const o: WriteOptions = { registry: keywordRegistry(ctx), ctx: await evalContext(ctx), clock: systemClock };
  const local = ctx.options['local'] === true;
  let loaded = local ? undefined : await load(ctx, name);
  try {
    const before = loaded ? await votersOf(ctx, loaded) : [];
    if (loaded && before.length) {
      // A majority's answers hold the latest acknowledged edit: this edit starts from it.
      const voters = before.filter((n) => n !== ctx.nodename);
      await exchange(ctx, name, loaded, voters, { push: false, enoughAnswers: (a) => a.filter((n) => voters.includes(n)).length + 1 >= majorityOf(before) });
    }
    const written = await write(o);
    for (const i of written?.warnings ?? []) ctx.err(formatIssue(i) + '\n');
    if (!written) return 0;
    if (local) {
      ctx.err(`${action}: written on ${ctx.nodename} only (--local): not acknowledged by the cluster; replication pushes it where it supersedes the copy\n`);
      return 0;
    }
    await loaded?.close();
    loaded = await load(ctx, name);
    // The nodes of the file edited and of the edit both vote: an edit of `nodes` cannot shrink its own quorum.
    const after = loaded ? await votersOf(ctx, loaded) : [];
    const voters = [...new Set([...before, ...after])];
    if (!voters.length) return 0;
    if (!loaded) throw notAcknowledged(ctx, name, action, 'the service does not load after the edit, so it cannot be pushed');
    return await acknowledge(ctx, name, action, loaded, voters, written);
  } finally {
    await loaded?.close();
  }
}

async function acknowledge(ctx: CommandContext, name: string, action: string, loaded: LoadedService, voters: string[], written: Written): Promise<number> {
  const need = majorityOf(voters);
  const self = voters.includes(ctx.nodename) ? 1 : 0;
  const holders = (rs: readonly PeerResult[]) => rs.filter((r) => r.holds && voters.includes(r.node)).map((r) => r.node);
  const peers = peersOf(loaded, ctx.nodename);
  const { version, results } = await exchange(ctx, name, loaded, peers, {
    push: true,
    enoughAnswers: (a) => a.filter((n) => voters.includes(n)).length + self >= need,
    enoughHolders: (rs) => holders(rs).length + self >= need,
  });
  const key = versionKey(written.version);
  const why = () => results.filter((r) => !r.holds && voters.includes(r.node)).map((r) => `${r.node}: ${r.detail ?? r.result}`).join('; ');
  if (!['same', 'descends'].includes(relate(version, written.version))) {
    throw notAcknowledged(ctx, name, action, `a diverged edit that prevails was fetched from a peer meanwhile; yours is kept (svcmgr -s ${name} print status)`);
  }
  const got = [...new Set(holders(results))];
  if (got.length + self < need) throw notAcknowledged(ctx, name, action, `${got.length + self} of ${voters.length} nodes hold it, ${need} needed (${why()})`);
  // Recorded as acknowledged on a majority: from then on, its line prevails over any diverged one (lineage.ts).
  // The peers first, this node last and only once they make the majority with it: a mark round that fails
  // leaves no mark here, so this node's later edits never carry a mark the cluster did not give.
  const p = new Peers(ctx, name, loaded.ssh, loaded.conf);
  const paths = servicePaths(ctx.root, name);
  let count = 0;
  await new Promise<void>((done) => {
    let left = got.length;
    const check = () => (left === 0 || count + self >= need) && done();
    for (const n of got) void p.mark(n, key).then((m) => void (count += m ? 1 : 0), () => undefined).finally(() => (left--, check()));
    check();
  });
  if (count + self < need) throw notAcknowledged(ctx, name, action, `${count + self} of ${voters.length} nodes recorded it acknowledged, ${need} needed`);
  if (self) {
    const marked = await withConfigLock(paths, name, 'acknowledge', async () => {
      const v = await currentVersion(paths.config, paths.varDir);
      const m = v && markAcked(v, key);
      if (!m?.acked?.includes(key)) return false;
      await recordVersion(paths.varDir, m);
      return true;
    });
    if (!marked && count < need) throw notAcknowledged(ctx, name, action, `this node's copy moved on meanwhile; ${count} of ${voters.length} nodes recorded it acknowledged`);
  }
  return 0;
}

function notAcknowledged(ctx: CommandContext, name: string, action: string, why: string): CapsuleError {
  return new CapsuleError('ConfigNotAcknowledged', `${action}: written on ${ctx.nodename} but not acknowledged by the cluster: ${why}`, {
    hint: `the edit stays here and replication pushes it when the nodes are back; a diverged edit acknowledged meanwhile would replace it (kept: svcmgr -s ${name} print status). \`--local\` edits this node alone`,
  });
}
