// An edit of a clustered service is a vote (single-decree Paxos per edit,
// packages/config ballot.ts): the node prepares a ballot with a majority of
// the service's nodes (each promises to accept nothing lower and answers its
// copy with the ballot it stands at), builds the edit on the answer with the
// highest ballot (fetched when it is not its own), then has the voters accept
// it at that ballot; the command exits 0 only once a majority accepted. Why
// that keeps every acknowledged edit: docs/architecture.md, "No acknowledged
// edit is lost". `--local` (or a service on one node, or a node outside any
// cluster) writes this node's copy alone, as before, and says so.
import { child, compareBallots, currentVersion, formatIssue, highest, nextBallot, NO_BALLOT, prepareCopy, readClusterInfo, standAt, relate, servicePaths, withConfigLock, type ConfigVersion, type WriteOptions, type Written } from '@capsule/config';
import { CapsuleError, systemClock } from '@capsule/core';
import { keywordRegistry, loadService, type LoadedService } from '@capsule/runtime';
import { access, readFile, stat } from 'node:fs/promises';
import type { CommandContext } from '../spec.js';
import { Peers } from './peers.js';
import { until } from './replicate.js';
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
  // A file that does not load cannot be voted on: its edit (the fix) is written here alone.
  return loadService(ctx, name).catch(() => undefined);
}

interface Answer {
  node: string;
  version: ConfigVersion | undefined;
}

/**
 * Runs `write` (an edit through updateConfig) as a vote of the service's
 * nodes. Throws ConfigNotAcknowledged when no majority promised (nothing
 * written) or accepted (written here and on a minority, replicated later).
 */
export async function acknowledged(ctx: CommandContext, name: string, action: string, write: (o: WriteOptions) => Promise<Written | undefined>): Promise<number> {
  const o: WriteOptions = { registry: keywordRegistry(ctx), ctx: await evalContext(ctx), clock: systemClock };
  const say = (written: Written | undefined) => {
    for (const i of written?.warnings ?? []) ctx.err(formatIssue(i) + '\n');
  };
  if (ctx.options['local'] === true) {
    const written = await write(o);
    say(written);
    if (written) ctx.err(`${action}: written on ${ctx.nodename} only (--local): not acknowledged by the cluster; replication pushes it where it supersedes the copy\n`);
    return 0;
  }
  let loaded = await load(ctx, name);
  try {
    const before = loaded ? await votersOf(ctx, loaded) : [];
    if (!loaded || !before.length) {
      const written = await write(o);
      say(written);
      if (!written) return 0;
      // A service that becomes clustered by this very edit (create, nodes = ...): its first vote, on this copy.
      await loaded?.close();
      loaded = await load(ctx, name);
      const voters = loaded ? await votersOf(ctx, loaded) : [];
      if (!loaded || !voters.length) return 0;
      const { ballot, answers } = await prepareMajority(ctx, name, loaded, voters);
      // The service exists on a peer: creating it here would replace that copy everywhere; only on purpose.
      const there = answers.find((a) => a.node !== ctx.nodename && a.version);
      if (there && ctx.options['force'] !== true) {
        throw notAcknowledged(ctx, name, action, `${name} already exists on ${there.node}: its copy is not replaced (svcmgr -s ${name} sync fetches it here; create --force replaces it everywhere)`);
      }
      await standAt(servicePaths(ctx.root, name), name, ballot);
      return await acceptMajority(ctx, name, action, loaded, voters, ballot);
    }
    const { ballot, answers } = await prepareMajority(ctx, name, loaded, before);
    await adoptHighest(ctx, name, loaded, answers);
    const written = await write({ ...o, accept: ballot, lineage: (base, hash) => child(base, hash) });
    say(written);
    if (!written) return 0;
    await loaded.close();
    loaded = await load(ctx, name);
    // The nodes of the file edited and of the edit both vote: an edit of `nodes` cannot shrink its own quorum.
    const voters = [...new Set([...before, ...(loaded ? await votersOf(ctx, loaded) : [])])];
    if (!loaded) throw notAcknowledged(ctx, name, action, 'the service does not load after the edit, so it cannot be pushed');
    return await acceptMajority(ctx, name, action, loaded, voters, ballot);
  } finally {
    await loaded?.close();
  }
}

/** Phase 1: a ballot above every promise heard, promised by a majority (this node included); retried once higher. */
async function prepareMajority(ctx: CommandContext, name: string, loaded: LoadedService, voters: string[]): Promise<{ ballot: string; answers: Answer[] }> {
  const peers = new Peers(ctx, name, loaded.ssh, loaded.conf);
  const paths = servicePaths(ctx.root, name);
  const need = majorityOf(voters);
  const seen: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const ballot = nextBallot(ctx.nodename, seen.length ? seen : [(await prepareCopy(paths, name, NO_BALLOT)).promised]);
    const answers: Answer[] = [];
    const here = await prepareCopy(paths, name, ballot);
    if (here.ok) answers.push({ node: ctx.nodename, version: here.version });
    else seen.push(here.promised);
    const others = voters.filter((n) => n !== ctx.nodename);
    const asked = others.map((n) =>
      peers.prepare(n, ballot).then(
        (r) => (r.ok ? answers.push({ node: n, version: r.version }) : seen.push(r.promised)),
        () => undefined,
      ),
    );
    await until(asked, () => answers.length >= need || seen.length > voters.length - need);
    if (answers.length >= need) return { ballot, answers: [...answers] };
    if (!seen.length) break;
  }
  throw notAcknowledged(ctx, name, 'edit', `no majority of ${voters.join(' ')} promised a ballot (unreachable nodes, or another edit under way): nothing was written`, true);
}

/** The copy to build on: the answer at the highest ballot, fetched here when it is not this node's. */
async function adoptHighest(ctx: CommandContext, name: string, loaded: LoadedService, answers: Answer[]): Promise<void> {
  const top = highest(answers.filter((a): a is Answer & { version: ConfigVersion } => a.version !== undefined).map((a) => ({ node: a.node, version: a.version, accepted: a.version.ballot ?? NO_BALLOT })));
  if (!top) return;
  const paths = servicePaths(ctx.root, name);
  const mine = await withConfigLock(paths, name, 'edit', () => currentVersion(paths.config, paths.varDir));
  if (mine && (mine.hash === top.version.hash || (relate(mine, top.version) === 'descends' && compareBallots(mine.ballot ?? NO_BALLOT, top.accepted) >= 0))) return;
  const node = top.node;
  await new Peers(ctx, name, loaded.ssh, loaded.conf).fetch(node, top.version);
  const now = await withConfigLock(paths, name, 'edit', () => currentVersion(paths.config, paths.varDir));
  if (now?.hash !== top.version.hash) throw notAcknowledged(ctx, name, 'edit', `could not take the newest copy from ${node} first: nothing was written`, true);
}

/** Phase 2: the voters accept the edit at the ballot; acknowledged once a majority (this node included) did. */
async function acceptMajority(ctx: CommandContext, name: string, action: string, loaded: LoadedService, voters: string[], ballot: string): Promise<number> {
  const peers = new Peers(ctx, name, loaded.ssh, loaded.conf);
  const paths = servicePaths(ctx.root, name);
  const need = majorityOf(voters);
  const [version, text, mtime] = await withConfigLock(paths, name, 'edit', async () =>
    Promise.all([currentVersion(paths.config, paths.varDir), readFile(paths.config, 'utf8'), stat(paths.config).then((s) => s.mtimeMs)]),
  );
  if (!version || version.ballot !== ballot) throw notAcknowledged(ctx, name, action, 'this node took another copy meanwhile');
  let accepted = voters.includes(ctx.nodename) ? 1 : 0;
  const refused: string[] = [];
  const others = voters.filter((n) => n !== ctx.nodename);
  const pushes = others.map((n) =>
    peers.push(n, text, version, mtime, ballot).then(
      (outcome) => (['installed', 'superseded', 'in sync'].includes(outcome) ? accepted++ : refused.push(`${n}: ${outcome}`)),
      (e: Error) => refused.push(`${n}: ${e.message}`),
    ),
  );
  await until(pushes, () => accepted >= need);
  if (accepted < need) throw notAcknowledged(ctx, name, action, `${accepted} of ${voters.length} nodes accepted it, ${need} needed (${refused.join('; ')})`);
  return 0;
}

function notAcknowledged(ctx: CommandContext, name: string, action: string, why: string, nothingWritten = false): CapsuleError {
  return new CapsuleError('ConfigNotAcknowledged', `${action}: ${nothingWritten ? 'not written' : `written on ${ctx.nodename} but not acknowledged by the cluster`}: ${why}`, {
    hint: nothingWritten
      ? `retry when a majority of the service's nodes answer; \`--local\` edits this node alone`
      : `the edit stays here and replication pushes it when the nodes are back; an edit acknowledged meanwhile would replace it (kept: svcmgr -s ${name} print status). \`--local\` edits this node alone`,
  });
}
