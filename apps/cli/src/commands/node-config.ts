// nodemgr get|set|unset|print config|validate config: node.conf, checked
// against its keyword table (@capsule/cluster) before anything is written,
// and written by the node.conf store (@capsule/config). A secret is never
// printed: not by get, not by print config, not in an error.
import { checkNodeConfig, decidesQuorum, keywordDefault, nodeKeyword, splitNodeKey } from '@capsule/cluster';
import { editNodeConfig, formatIssue, hideValues, HIDDEN, nodeConfPath, readNodeConfig, readNodeConfigText, validateNodeConfig, type ConfigIssue, type NodeCheck, type NodeConfig } from '@capsule/config';
import { CapsuleError, ErrorCode } from '@capsule/core';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';
import { ask, daemonPaths } from '@capsule/runtime/daemon';
import { parseParam, type Param } from './param.js';
import { selfFenceIssue } from './quorum-guard.js';

const param = (ctx: CommandContext): Param => parseParam(ctx.options['param'], 'hb#1.timeout');

/** What an edit changes: one keyword, or (`key` undefined) a whole section. */
type Target = { section: string; key?: string };

/** `secret`, `Secret`, `secret[]` and `secret@hv1` are all read as the secret by someone: all hidden. */
const isSecret = (section: string, key: string) => nodeKeyword(section.toLowerCase(), key.toLowerCase().replace(/\[\]$/, ''))?.secret === true;

/**
 * What this node lacks is said, not refused: node.conf may be written on an
 * arbitrator. An edit that decides quorum is also refused when it would
 * self-fence the running cluster, unless --force.
 */
const check =
  (ctx: CommandContext, edit?: Target): NodeCheck =>
  async (conf, before) => {
    // The file as it is (validate, no edit): a secret in it that others can read is an error. An edit makes it root-only.
    const issues = await checkNodeConfig(conf, { self: ctx.nodename, ...(before ? { before } : {}), ...(edit ? {} : { file: nodeConfPath(ctx.root) }) });
    // An edit refused already needs no daemon asked.
    if (!edit || !before || ctx.options['force'] === true || !decidesQuorum(edit.section.toLowerCase(), edit.key?.toLowerCase()) || issues.some((i) => i.severity === 'error')) return issues;
    const fence = await selfFenceIssue(ctx.root, edit, before, conf);
    return fence ? [...issues, fence] : issues;
  };

function printIssues(ctx: CommandContext, issues: readonly ConfigIssue[]): void {
  for (const i of issues) ctx.err(formatIssue(i) + '\n');
}

export async function get(ctx: CommandContext): Promise<number> {
  const { section, key } = param(ctx);
  const file = nodeConfPath(ctx.root);
  const body = (await readNodeConfig(ctx.root))[section];
  // The node reads keys as written; edits write them lower-cased.
  const spec = nodeKeyword(section, key);
  // Not set: what the node uses instead, as node.conf would write it.
  const node = splitNodeKey(key).node;
  const value = body?.[key] ?? body?.[key.toLowerCase()] ?? (spec && keywordDefault(spec, { root: ctx.root, ...(node !== undefined ? { node } : {}) }));
  if (value === undefined) {
    throw new CapsuleError(ErrorCode.KeywordNotSet, `${section}.${key} is not set in ${file}`, { hint: `set it with \`nodemgr set --param ${section}.${key} --value V\`${spec ? `: ${spec.doc}` : ''}` });
  }
  if (isSecret(section, key)) {
    throw new CapsuleError(ErrorCode.SecretHidden, `${section}.${key} is set in ${file}; a secret is never printed`, {
      hint: 'keep the secret in a root-only file named by cluster.secret_file (`nodemgr get --param cluster.secret_file` says which), and read that file as root',
    });
  }
  ctx.out(ctx.format === 'json' ? renderJson(value) : `${value}\n`);
  return 0;
}

async function edit(ctx: CommandContext, target: Target, value: string | undefined): Promise<number> {
  const { section, key } = target;
  const holdsSecret = (conf: NodeConfig) => Object.entries(conf).some(([name, body]) => Object.keys(body).some((k) => isSecret(name, k)));
  const r = await editNodeConfig(ctx.root, { ...target, ...(value !== undefined ? { value } : {}) }, check(ctx, target), { holdsSecret });
  printIssues(ctx, r.warnings);
  if (r.modeFixed) {
    ctx.err(`${nodeConfPath(ctx.root)}: mode ${r.modeFixed.from.toString(8)} changed to ${r.modeFixed.to.toString(8)}: it holds a secret, which only root may read\n`);
  }
  if (value !== undefined && key !== undefined && isSecret(section, key)) {
    ctx.err(`${nodeConfPath(ctx.root)}: ${section}.${key}: warning: a secret on the command line is seen by every user of this host (ps) and kept in shell history\n  hint: write it to a root-only file and set cluster.secret_file to it instead\n`);
  }
  if (/^(cluster|hb#\d+|arbitrator#\d+|stonith#.+)$/.test(section)) await reloadDaemon(ctx);
  return 0;
}

/** A running agent daemon reads the cluster sections again; none running, nothing to do. */
async function reloadDaemon(ctx: CommandContext): Promise<void> {
  const r = await ask<{ ok?: true; error?: string }>(daemonPaths(ctx.root).socket, { cmd: 'reload' }, 30_000).catch(() => undefined);
  if (r?.ok) ctx.err('the agent daemon reloaded node.conf\n');
  else if (r?.error) ctx.err(`warning: the agent daemon kept its previous settings: ${r.error}\n  hint: fix node.conf, then nodemgr daemon stop; nodemgr daemon start\n`);
}

export async function set(ctx: CommandContext): Promise<number> {
  const value = ctx.options['value'];
  if (typeof value !== 'string') throw new CapsuleError(ErrorCode.UsageError, 'set needs --value', { hint: 'nodemgr set --param SECTION.KEYWORD --value V' });
  return edit(ctx, param(ctx), value);
}

/** `--param SECTION.KEYWORD` removes a keyword, `--section SECTION` the whole section: checked the same way. */
export async function unset(ctx: CommandContext): Promise<number> {
  const section = ctx.options['section'];
  if (section === undefined) return edit(ctx, param(ctx), undefined);
  if (ctx.options['param'] !== undefined || typeof section !== 'string' || section === '') {
    throw new CapsuleError(ErrorCode.UsageError, 'unset takes --param or --section, not both', { hint: 'nodemgr unset --param SECTION.KEYWORD, or nodemgr unset --section SECTION for the whole section' });
  }
  return edit(ctx, { section }, undefined);
}

/** The file as it is, secrets hidden; with --format json, as the node reads it. */
export async function print(ctx: CommandContext): Promise<number> {
  if (ctx.format === 'json') {
    const shown = (s: string, body: NodeConfig[string]) => Object.fromEntries(Object.entries(body).map(([k, v]) => [k, isSecret(s, k) ? HIDDEN : v]));
    ctx.out(renderJson(Object.fromEntries(Object.entries(await readNodeConfig(ctx.root)).map(([s, body]) => [s, shown(s, body)]))));
    return 0;
  }
  const text = await readNodeConfigText(ctx.root);
  if (text === undefined) ctx.err(`${nodeConfPath(ctx.root)} does not exist: this node has the defaults\n`);
  else ctx.out(hideValues(text, isSecret));
  return 0;
}

export async function validate(ctx: CommandContext): Promise<number> {
  const issues = await validateNodeConfig(ctx.root, check(ctx));
  const errors = issues.some((i) => i.severity === 'error');
  if (ctx.format === 'json') ctx.out(renderJson({ valid: !errors, issues }));
  else if (issues.length) printIssues(ctx, issues);
  else ctx.out(`${nodeConfPath(ctx.root)}: valid\n`);
  // As svcmgr validate config: warnings alone exit 2, so that scripts notice.
  return errors ? 1 : issues.length ? 2 : 0;
}
