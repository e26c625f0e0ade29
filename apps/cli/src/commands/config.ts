// Config commands: validate, print (raw, evaluated, mtime), get, set, unset, create, edit.
import {
  configMtime,
  contentHash,
  currentVersion,
  installReceived,
  noConfigFile,
  updateConfig,
  withConfigLock,
  type WriteOptions,
  evaluateConfig,
  evaluationErrors,
  findEntry,
  findSection,
  formatIssue,
  parseConfig,
  readCapped,
  renderDocument,
  renderEvaluated,
  setKeyword,
  unsetKeyword,
  validateConfig,
  writeStateFile,
  type ConfigDocument,
} from '@capsule/config';
import { CapsuleError, ErrorCode, formatError, isCapsuleError, systemClock } from '@capsule/core';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderJson } from '../output.js';
import type { CommandContext } from '../spec.js';
import { keywordRegistry } from '@capsule/runtime';
import { evalContext, openService, paths, serviceName, serviceParam } from './service-config.js';
import { acknowledged } from './acknowledge.js';

export async function validate(ctx: CommandContext): Promise<number> {
  const { doc } = await openService(ctx);
  const issues = await validateConfig(doc, keywordRegistry(ctx), await evalContext(ctx));
  const errors = issues.some((i) => i.severity === 'error');
  if (ctx.format === 'json') ctx.out(renderJson({ valid: !errors, issues }));
  else if (issues.length) ctx.err(issues.map((i) => formatIssue(i) + '\n').join(''));
  else ctx.out(`${doc.file}: valid\n`);
  // Warnings alone still exit nonzero, so that scripts notice; 2 tells them apart from errors.
  return errors ? 1 : issues.length ? 2 : 0;
}

export async function print(ctx: CommandContext): Promise<number> {
  const guest = ctx.options['diff-guest'];
  if (typeof guest === 'string') return (await import('./guest-config.js')).diffGuest(ctx, guest);
  if (ctx.options['raw']) {
    // Byte for byte: what a hypervisor fetches from a guest.
    ctx.out(
      await readFile(paths(ctx).config, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'ENOENT' ? noConfigFile(paths(ctx).config) : e;
      }),
    );
    return 0;
  }
  const { doc } = await openService(ctx);
  if (!ctx.options['eval']) {
    ctx.out(ctx.format === 'json' ? renderJson(documentObject(doc)) : renderDocument(doc));
    return 0;
  }
  const cfg = await evaluateConfig(doc, keywordRegistry(ctx), await evalContext(ctx, ctx.options['impersonate']));
  ctx.out(ctx.format === 'json' ? renderJson(cfg) : renderEvaluated(cfg));
  // What could be evaluated is printed; each keyword that could not is named.
  const errors = evaluationErrors(cfg);
  for (const e of errors) ctx.err(`error: ${formatError(e)}\n`);
  return errors.length ? 1 : 0;
}

/** The file as JSON: `{ section: { key: value } }`, keys as written (scoped ones included). */
function documentObject(doc: ConfigDocument): Record<string, Record<string, string>> {
  return Object.fromEntries(doc.sections.map((s) => [s.name, Object.fromEntries(s.entries.map((e) => [e.key, e.value]))]));
}

export async function mtime(ctx: CommandContext): Promise<number> {
  const p = paths(ctx);
  const m = await configMtime(p.config);
  if (m === undefined) throw noConfigFile(p.config);
  ctx.out(ctx.format === 'json' ? renderJson({ mtime: m }) : `${m}\n`);
  return 0;
}

export async function get(ctx: CommandContext): Promise<number> {
  const { doc } = await openService(ctx);
  const { section, key } = serviceParam(ctx.options['param']);
  let value: unknown;
  if (ctx.options['eval']) {
    const cfg = await evaluateConfig(doc, keywordRegistry(ctx), await evalContext(ctx, ctx.options['impersonate']));
    const s = cfg.sections.find((x) => x.name === section);
    // Only the keyword asked for matters: another broken keyword is not this one's problem.
    const broken = s?.errors[key];
    if (broken) throw broken;
    if (section === 'DEFAULT' && (key === 'nodes' || key === 'drpnodes' || key === 'encapnodes')) value = cfg.sets[key];
    else value = s?.values[key];
  } else {
    const sec = findSection(doc, section);
    value = sec && findEntry(sec, key)?.value;
  }
  if (value === undefined) {
    throw new CapsuleError('KeywordNotSet', `${section}.${key} is not set in ${doc.file}`, { hint: `set it with \`svcmgr -s ${serviceName(ctx)} set --param ${section}.${key} --value V\`` });
  }
  ctx.out(ctx.format === 'json' ? renderJson(value) : `${Array.isArray(value) ? value.join(' ') : String(value)}\n`);
  return 0;
}

/** The service file's writers share this: under the config lock, validated, next generation. */
async function writeOptions(ctx: CommandContext, source?: string): Promise<WriteOptions & { source?: string }> {
  return { registry: keywordRegistry(ctx), ctx: await evalContext(ctx), clock: systemClock, ...(source ? { source } : {}) };
}

/** A refused write says first what was not done; the issues follow, each with its own hint. */
function notWritten(e: unknown, what: string): unknown {
  if (!isCapsuleError(e) || e.code !== ErrorCode.ConfigInvalid) return e;
  return new CapsuleError('ConfigInvalid', `${what}:\n${e.message}`, { hint: e.hint ?? 'fix the lines named above', details: e.details });
}

/** set and unset: the edit is applied to the file as it is once the lock is held, so no concurrent writer is lost. */
async function editKeyword(ctx: CommandContext, action: string, change: (doc: ConfigDocument) => string | undefined): Promise<number> {
  const p = paths(ctx);
  try {
    return await acknowledged(ctx, serviceName(ctx), action, (o) =>
      updateConfig(p, o, action, (current) => {
        if (current === undefined) throw noConfigFile(p.config);
        return change(parseConfig(current, p.config));
      }),
    );
  } catch (e) {
    throw notWritten(e, 'the change was not written');
  }
}

export async function set(ctx: CommandContext): Promise<number> {
  const { section, key } = serviceParam(ctx.options['param']);
  const value = ctx.options['value'];
  if (typeof value !== 'string') throw new CapsuleError('UsageError', 'set needs --value', { hint: 'svcmgr -s SVC set --param K --value V' });
  return editKeyword(ctx, 'set', (doc) => setKeyword(doc, section, key, value));
}

export async function unset(ctx: CommandContext): Promise<number> {
  const { section, key } = serviceParam(ctx.options['param']);
  return editKeyword(ctx, 'unset', (doc) => unsetKeyword(doc, section, key));
}

export async function create(ctx: CommandContext): Promise<number> {
  const src = ctx.options['config'];
  if (typeof src !== 'string') throw new CapsuleError('UsageError', 'create needs --config FILE', { hint: 'svcmgr -s SVC create --config FILE' });
  // `--config -` reads standard input: how a hypervisor pushes a config into a guest.
  const source = src === '-' ? '<stdin>' : src;
  const content = await readCapped(src === '-' ? process.stdin : src, source).catch((e: NodeJS.ErrnoException) => {
    if (isCapsuleError(e)) throw e;
    throw new CapsuleError('FileNotFound', `cannot read ${src}: ${e.code ?? e.message}`, { hint: 'give the path of an existing service file' });
  });
  const generation = ctx.options['generation'];
  const o = await writeOptions(ctx, source);
  if (typeof generation === 'number') {
    // A copy pushed by another agent keeps the generation it has there; an older one is not installed.
    const version = { generation, hash: contentHash(content) };
    if (!(await installReceived(paths(ctx), content, version, { ...o, from: 'the pushing agent' }))) ctx.err(`generation ${generation} is not newer than this node's copy: kept this node's\n`);
    return 0;
  }
  const { guardCreate, clearTombstone } = await import('./lifecycle.js');
  await guardCreate(ctx, Buffer.from(content).toString('utf8'));
  try {
    return await acknowledged(ctx, serviceName(ctx), 'create', async (w) => {
      const written = await updateConfig(paths(ctx), { ...w, source }, 'create', () => content);
      await clearTombstone(ctx.root, serviceName(ctx));
      return written;
    });
  } catch (e) {
    throw notWritten(e, `${source} was not installed`);
  }
}

/** `print config version`: what another agent compares its copy with (generation and content hash). */
export async function version(ctx: CommandContext): Promise<number> {
  const p = paths(ctx);
  const v = await withConfigLock(p, serviceName(ctx), 'print config version', () => currentVersion(p.config, p.varDir));
  if (!v) throw noConfigFile(p.config);
  ctx.out(renderJson(v));
  return 0;
}

/** Edits a copy with $EDITOR; the service file is replaced only by a copy that validates. */
export async function edit(ctx: CommandContext): Promise<number> {
  const p = paths(ctx);
  const original = await readFile(p.config, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  const dir = await mkdtemp(join(tmpdir(), 'capsule-edit-'));
  try {
    const copy = join(dir, `${serviceName(ctx)}.conf`);
    await writeFile(copy, original);
    const editor = ctx.env['EDITOR'] || ctx.env['VISUAL'] || 'vi';
    const r = spawnSync('sh', ['-c', `${editor} "$1"`, 'sh', copy], { stdio: 'inherit' });
    if (r.status !== 0) throw new CapsuleError('EditorFailed', `${editor} exited ${r.status}; ${p.config} is unchanged`, { hint: 'set EDITOR to a working editor' });
    const edited = await readFile(copy, 'utf8');
    if (edited === original) return 0;
    try {
      return await acknowledged(ctx, serviceName(ctx), 'edit config', (o) =>
        updateConfig(p, o, 'edit config', (current) => {
          // Someone wrote the file while the editor was open: theirs is not overwritten.
          if ((current ?? '') !== original) throw new CapsuleError('ConfigConflict', `${p.config} changed while you edited it`, { hint: 'review the kept edit and apply it again' });
          return edited;
        }),
      );
    } catch (e) {
      // Written, not acknowledged: the file has the edit, nothing to keep aside.
      if (isCapsuleError(e) && e.code === ErrorCode.ConfigNotAcknowledged) throw e;
      // Never lose the user's work: keep the rejected edit beside the state files.
      await mkdir(p.varDir, { recursive: true });
      const kept = join(p.varDir, 'rejected-edit.conf');
      await writeStateFile(kept, edited);
      ctx.err(`${p.config} is unchanged; your edit is kept in ${kept}\n`);
      throw e;
    }
    return 0;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
