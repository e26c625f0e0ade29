// The cluster secret: the content of secret_file when it is set, else
// [cluster] secret. However it is wrong, what is reported says how, never
// what the secret is.
import { ErrorCode } from '@capsule/core';
import { readFile, stat } from 'node:fs/promises';
import { CLUSTER } from './node-keywords.js';

export interface SecretProblem {
  keyword: 'secret' | 'secret_file';
  message: string;
  hint: string;
  code: ErrorCode;
  /** Set when neither keyword is: what the section lacks. */
  missing?: readonly string[];
}

const MAKE = 'openssl rand -hex 32 > FILE && chmod 600 FILE';

async function fromFile(file: string): Promise<{ secret: string } | { problem: SecretProblem }> {
  const problem = (message: string, hint: string, code: ErrorCode = ErrorCode.ClusterConfigInvalid) => ({ problem: { keyword: 'secret_file' as const, message, hint, code } });
  const st = await stat(file).catch(() => undefined);
  if (!st) return problem(`${file} does not exist`, `create it with mode 0600, owned by root, holding the cluster secret: ${MAKE}`);
  // A secret others can read or change is refused rather than used: a shared secret is no secret. Its owner could
  // change it, or make it readable, at any time: only root's file is root's secret.
  const fix = `chown root:root ${file} && chmod 600 ${file}`;
  if (st.uid !== 0) return problem(`${file} belongs to uid ${st.uid}, not root: its owner can read and change the cluster secret`, fix, ErrorCode.SecretFileUnsafe);
  if ((st.mode & 0o077) !== 0) return problem(`${file} is readable or writable by others (mode ${(st.mode & 0o777).toString(8)})`, fix, ErrorCode.SecretFileUnsafe);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return problem(`${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'run this as root, the owner of the secret file');
  }
  // The file holds what `secret =` would: the same rule applies to it.
  const r = CLUSTER.secret.schema.safeParse(text.trim());
  if (!r.success) return problem(`the secret in ${file}: ${r.error.issues.map((i) => i.message).join('; ')}`, `write a long random secret to it: ${MAKE}`);
  return { secret: text.trim() };
}

/**
 * Why node.conf itself must not be read by others: it holds a secret inline
 * (`secret =`, used or not) and group or others may read it. Undefined when
 * it holds none, is root-only, or does not exist.
 */
export async function exposedSecret(conf: Readonly<Record<string, Readonly<Record<string, string>>>>, file: string): Promise<SecretProblem | undefined> {
  if (!Object.keys(conf['cluster'] ?? {}).some((k) => k.toLowerCase() === 'secret')) return undefined;
  const st = await stat(file).catch(() => undefined);
  if (!st || (st.mode & 0o077) === 0) return undefined;
  return {
    keyword: 'secret',
    message: `${file} holds the cluster secret and is readable by others (mode ${(st.mode & 0o777).toString(8)})`,
    hint: `chmod 600 ${file}, or move the secret to a root-only secret_file`,
    code: ErrorCode.SecretFileUnsafe,
  };
}

/** The secret of a [cluster] section whose keywords are checked, or why there is none to use. */
export async function clusterSecret(cluster: Readonly<Record<string, string>>): Promise<{ secret: string } | { problem: SecretProblem }> {
  const file = cluster['secret_file'];
  if (file !== undefined) return fromFile(file);
  const inline = cluster['secret'];
  if (inline === undefined) {
    return { problem: { keyword: 'secret', message: 'no secret: set secret_file (or secret)', hint: `set secret_file to a root-only file holding a long random secret: ${MAKE}`, code: ErrorCode.ClusterConfigInvalid, missing: ['secret', 'secret_file'] } };
  }
  return { secret: inline.trim() };
}

/** A PEM file node.conf names (etcd_ca, etcd_cert, etcd_key): present, readable, and, for a private key, root's alone. */
export async function pemFileProblem(file: string, secret: boolean): Promise<{ message: string; hint: string; code: ErrorCode } | undefined> {
  const st = await stat(file).catch(() => undefined);
  if (!st) return { message: `${file} does not exist`, hint: 'write the PEM file there, or fix the path', code: ErrorCode.ClusterConfigInvalid };
  if (secret && st.uid !== 0) return { message: `${file} belongs to uid ${st.uid}, not root: its owner can read the key`, hint: `chown root:root ${file} && chmod 600 ${file}`, code: ErrorCode.SecretFileUnsafe };
  if (secret && (st.mode & 0o077) !== 0) return { message: `${file} is readable or writable by others (mode ${(st.mode & 0o777).toString(8)})`, hint: `chown root:root ${file} && chmod 600 ${file}`, code: ErrorCode.SecretFileUnsafe };
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return { message: `${file} cannot be read`, hint: 'run this as root', code: ErrorCode.ClusterConfigInvalid };
  if (!text.includes('-----BEGIN ')) return { message: `${file} holds no PEM block`, hint: 'write a PEM certificate or key there', code: ErrorCode.ClusterConfigInvalid };
  return undefined;
}

/** Any other root-only file node.conf names (the API's tokens_file): present, root's, mode 0600 or stricter, readable. */
export async function secretFileProblem(file: string): Promise<{ message: string; hint: string; code: ErrorCode } | undefined> {
  const st = await stat(file).catch(() => undefined);
  const fix = `chown root:root ${file} && chmod 600 ${file}`;
  if (!st) return { message: `${file} does not exist`, hint: `create it with mode 0600, owned by root`, code: ErrorCode.NodeConfigInvalid };
  if (st.uid !== 0) return { message: `${file} belongs to uid ${st.uid}, not root: its owner can read and change it`, hint: fix, code: ErrorCode.SecretFileUnsafe };
  if ((st.mode & 0o077) !== 0) return { message: `${file} is readable or writable by others (mode ${(st.mode & 0o777).toString(8)})`, hint: fix, code: ErrorCode.SecretFileUnsafe };
  if ((await readFile(file, 'utf8').catch(() => undefined)) === undefined) return { message: `${file} cannot be read`, hint: 'run this as root', code: ErrorCode.NodeConfigInvalid };
  return undefined;
}
