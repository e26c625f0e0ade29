// Every edit of node.conf goes through here: under a lock (two concurrent
// `nodemgr set` both land), made by the service files' line-aware writer
// (untouched lines stay byte-identical), written only when the node reads
// back exactly the one change asked for and the result validates, then
// atomically, with the file's mode kept (0600 for a new file: it may hold
// the cluster secret). The read-back matters because the node reads
// node.conf with `ini`, a dialect of its own (no continuation lines, `;`
// and `#` start a comment anywhere): where the two readers disagree about a
// line, the edit is refused rather than guessed.
import { CapsuleError, ErrorCode, isErrorCode } from '@capsule/core';
import { safe } from 'ini';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { atomicWrite } from './atomic.js';
import { nodeConfPath } from './cluster.js';
import { formatIssue, type ConfigIssue } from './issues.js';
import { withLock, type LockOptions } from './lock.js';
import { parseNodeConfig, readNodeConfigText, type NodeConfig } from './node-config.js';
import { findEntry, findSection, parseConfig, splitKey, type ConfigDocument } from './reader.js';
import { removeSection, setKeyword, unsetKeyword } from './writer.js';

export const NODE_CONF_LOCK = 'node.conf.lock';

export interface NodeEdit {
  section: string;
  /** `keyword` or `keyword@NODE`; lower-cased, as the service files' writer does. Undefined: the whole section (unset only). */
  key?: string;
  /** Undefined: unset. */
  value?: string;
}

/** The problems of node.conf as the node reads it; `before`, for an edit: the file as it is. Errors refuse an edit. */
export type NodeCheck = (conf: NodeConfig, before?: NodeConfig) => Promise<ReadonlyArray<Omit<ConfigIssue, 'file' | 'line'>>>;

export interface NodeEditResult {
  changed: boolean;
  /** What the edit did not stop for, located in the written file. */
  warnings: ConfigIssue[];
  /** The file's mode was made root-only because it holds a secret: from what to what. */
  modeFixed?: { from: number; to: number };
}

export interface NodeEditOptions {
  /** Seconds to wait for another writer. */
  waitSeconds?: number;
  lock?: Partial<LockOptions>;
  /** Whether the file, as the node reads it, holds a secret: it is then written root-only (0600), whatever its mode was. */
  holdsSecret?: (conf: NodeConfig) => boolean;
}

const usage = (message: string, hint: string) => new CapsuleError(ErrorCode.UsageError, message, { hint });

function checkEdit(e: NodeEdit): void {
  if (!/^[^[\]\s]+$/.test(e.section)) throw usage(`"${e.section}" is not a node.conf section name`, 'name the keyword as SECTION.KEYWORD: cluster.nodes, hb#1.timeout, driver.kvm.uri');
  if (e.key === undefined && e.value !== undefined) throw usage(`a value for [${e.section}] needs a keyword`, 'name the keyword as SECTION.KEYWORD: cluster.nodes, hb#1.timeout, driver.kvm.uri');
  if (e.key !== undefined && !/^[^=:;#[\]\s]+$/.test(e.key)) throw usage(`"${e.key}" is not a node.conf keyword`, 'a keyword is a word, with @NODE for a per-node value: addr@hv1');
  if (e.value !== undefined && /[\r\n]/.test(e.value)) throw usage('a node.conf value is one line', 'remove the line breaks from --value');
}

/** The file as the node should read it after the edit. */
function intended(before: NodeConfig, e: NodeEdit): NodeConfig {
  if (e.key === undefined) return Object.fromEntries(Object.entries(before).filter(([name]) => name !== e.section));
  const section = { ...before[e.section] };
  if (e.value === undefined) delete section[e.key];
  else section[e.key] = e.value;
  return { ...before, [e.section]: section };
}

/** `section.key` (or `[section]`) where two readings of the file differ. */
function differences(a: NodeConfig, b: NodeConfig): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[name];
    const y = b[name];
    if (!x || !y) {
      out.push(`[${name}]`);
      continue;
    }
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) if (x[key] !== y[key]) out.push(`${name}.${key}`);
  }
  return out;
}

/** Refuses an edit that the node would read otherwise than asked. */
function checkReadBack(before: NodeConfig, after: NodeConfig, e: NodeEdit, written: ConfigDocument): void {
  const off = differences(after, intended(before, e));
  if (!off.length) return;
  const [issue] = located([{ section: e.section, ...(e.key !== undefined ? { keyword: e.key } : {}), severity: 'error', message: `the node would not read this edit as asked: ${off.join(', ')} would differ` }], written);
  const hint = `node.conf is read with the ini package (no continuation lines; ; and # start a comment), and these lines read differently with it: edit ${written.file} by hand`;
  throw refused([{ ...issue!, hint }], written.file);
}

/** Issues get the line of their keyword in the written file, else of their section. */
function located(issues: ReadonlyArray<Omit<ConfigIssue, 'file' | 'line'>>, doc: ConfigDocument): ConfigIssue[] {
  return issues.map((i) => {
    const section = i.section === undefined ? undefined : findSection(doc, i.section);
    const entry = section && i.keyword !== undefined ? findEntry(section, i.keyword) : undefined;
    return { ...i, file: doc.file, line: entry?.line ?? section?.line ?? 1 };
  });
}

/** One error for all the problems; their hints are said once, as its hint. */
function refused(errors: ConfigIssue[], file: string): CapsuleError {
  const first = errors[0]!;
  const lines = errors.map(({ hint: _, ...issue }) => formatIssue(issue));
  const hints = [...new Set(errors.flatMap((i) => (i.hint ? [i.hint] : [])))];
  return new CapsuleError(isErrorCode(first.code) ? first.code : ErrorCode.NodeConfigInvalid, `the change was not written:\n${lines.join('\n')}`, {
    hint: hints.join('; ') || `fix ${file}`,
    details: { file, line: first.line, count: errors.length },
  });
}

/** Every problem of node.conf, located; a missing file is an empty one. */
export async function validateNodeConfig(root: string, check: NodeCheck): Promise<ConfigIssue[]> {
  const file = nodeConfPath(root);
  const text = (await readNodeConfigText(root)) ?? '';
  return located(await check(parseNodeConfig(text, file)), parseConfig(text, file));
}

/** Sets or unsets one keyword of node.conf; nothing is written when the result does not validate. */
export async function editNodeConfig(root: string, edit: NodeEdit, check: NodeCheck, o: NodeEditOptions = {}): Promise<NodeEditResult> {
  checkEdit(edit);
  const e = { ...edit, ...(edit.key !== undefined ? { key: splitKey(edit.key).key } : {}) };
  const file = nodeConfPath(root);
  const action = e.key === undefined ? `unset [${e.section}]` : `${e.value === undefined ? 'unset' : 'set'} ${e.section}.${e.key}`;
  const lock = { action, svcname: 'node.conf', waitSeconds: o.waitSeconds ?? 30, ...o.lock, name: NODE_CONF_LOCK };
  return withLock(join(root, 'var/lib/capsule'), lock, async () => {
    const current = await readNodeConfigText(root);
    const doc = parseConfig(current ?? '', file);
    // ini's own escaping: `#` and `;` in a value would otherwise start a comment.
    const next = e.key === undefined ? removeSection(doc, e.section) : e.value === undefined ? unsetKeyword(doc, e.section, e.key) : setKeyword(doc, e.section, e.key, safe(e.value));
    if (next === undefined || next === current) return { changed: false, warnings: [] };
    const before = parseNodeConfig(current ?? '', file);
    const after = parseNodeConfig(next, file);
    const written = parseConfig(next, file);
    checkReadBack(before, after, e, written);
    const issues = located(await check(after, before), written);
    const errors = issues.filter((i) => i.severity === 'error');
    if (errors.length) throw refused(errors, file);
    await mkdir(dirname(file), { recursive: true });
    const was = current === undefined ? 0o600 : (await stat(file)).mode & 0o777;
    // A secret written into a file others can read would be theirs too: the file becomes root-only with it.
    const mode = o.holdsSecret?.(after) ? was & ~0o077 : was;
    // node.conf may be a link to a shared copy: it stays one.
    await atomicWrite(file, next, { mode, followSymlink: true });
    return { changed: true, warnings: issues.filter((i) => i.severity === 'warning'), ...(mode !== was && current !== undefined ? { modeFixed: { from: was, to: mode } } : {}) };
  });
}
