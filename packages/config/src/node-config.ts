// The node config, $CAPSULE_ROOT/etc/capsule/node.conf, read with the `ini`
// package, and what drivers get of it: their `[driver.TYPE]` section and
// secret files that only root can read.
import { CapsuleError, type DriverSettings } from '@capsule/core';
import { parse } from 'ini';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeConfPath as nodeConfigPath } from './cluster.js';

export type NodeConfig = Readonly<Record<string, Readonly<Record<string, string>>>>;


/** node.conf's text, undefined when there is none (a node with the defaults). */
export async function readNodeConfigText(root: string): Promise<string | undefined> {
  return readFile(nodeConfigPath(root), 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
}

/** The node config as sections of strings; a missing file is an empty config. */
export async function readNodeConfig(root: string): Promise<NodeConfig> {
  return parseNodeConfig((await readNodeConfigText(root)) ?? '', nodeConfigPath(root));
}

/** node.conf's text as the node reads it: what an edit is checked against before it is written. */
export function parseNodeConfig(text: string, file: string): NodeConfig {
  const out: Record<string, Record<string, string>> = {};
  // `ini` reads `[driver.kvm]` as { driver: { kvm: {...} } }: fold nested objects back into dotted section names.
  const walk = (name: string, body: Record<string, unknown>) => {
    const section: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) walk(`${name}.${k}`, v as Record<string, unknown>);
      else section[k] = Array.isArray(v) ? v.join(' ') : String(v);
    }
    if (Object.keys(section).length || !Object.values(body).some((v) => typeof v === 'object')) out[name] = section;
  };
  // `ini` cuts `[hb#1]` at the `#` as if it began a comment: hide it in section headers, restore it after.
  const HASH = '\u001f';
  const hidden = text.replace(/^(\s*\[[^\]\n]*\])/gm, (h) => h.replaceAll('#', HASH));
  for (const [rawName, body] of Object.entries(parse(hidden) as Record<string, unknown>)) {
    const name = rawName.replaceAll(HASH, '#');
    if (typeof body !== 'object' || body === null) {
      throw new CapsuleError('NodeConfigInvalid', `${file}: "${name}" is outside any section`, { hint: 'put every keyword under a [section]' });
    }
    walk(name, body as Record<string, unknown>);
  }
  return out;
}

/** `[driver.kvm]` for the kvm driver. */
export function driverSettings(conf: NodeConfig, type: string, root: string): DriverSettings {
  const values = conf[`driver.${type}`] ?? {};
  return {
    values,
    async secret(keyword) {
      const file = values[keyword];
      if (!file) {
        throw new CapsuleError('MissingKeyword', `[driver.${type}] ${keyword} is not set in ${nodeConfigPath(root)}`, { hint: `set ${keyword} to the path of a file readable by root only` });
      }
      const st = await stat(file).catch(() => undefined);
      if (!st) throw new CapsuleError('FileNotFound', `[driver.${type}] ${keyword}: ${file} does not exist`, { hint: 'create it with mode 0600, owned by root' });
      // Secrets others can read or change are refused rather than used: a shared secret is no secret.
      if ((st.mode & 0o077) !== 0 || (process.getuid && st.uid !== process.getuid() && st.uid !== 0)) {
        throw new CapsuleError('SecretFileUnsafe', `${file} (${keyword} of [driver.${type}]) is readable or writable by others (mode ${(st.mode & 0o777).toString(8)})`, {
          hint: `chown root ${file} && chmod 600 ${file}`,
        });
      }
      return (await readFile(file, 'utf8')).trim();
    },
  };
}

/** What the node uses to reach guests and peers over ssh: `[ssh]` of node.conf, or capsule's own key and known_hosts. */
export function sshDefaults(conf: NodeConfig, root: string): { identityFile: string; knownHosts: string; connectTimeoutMs: number } {
  const s = conf['ssh'] ?? {};
  const timeout = Number(s['connect_timeout'] ?? 10);
  return {
    identityFile: s['identity_file'] ?? join(root, 'etc/capsule/ssh/id_ed25519'),
    knownHosts: s['known_hosts'] ?? join(root, 'etc/capsule/ssh/known_hosts'),
    connectTimeoutMs: (Number.isFinite(timeout) && timeout > 0 ? timeout : 10) * 1000,
  };
}

/**
 * Where this node reaches a peer over ssh: `[ssh] addr@NODE`, else the
 * peer's heartbeat address (`addr@NODE` of the first [hb#N]), else its name.
 */
export function peerAddress(conf: NodeConfig, node: string): string {
  const key = `addr@${node}`;
  const hb = Object.keys(conf).filter((k) => k.startsWith('hb#')).sort()[0];
  return conf['ssh']?.[key] ?? (hb ? conf[hb]?.[key] : undefined) ?? node;
}

/**
 * How this node runs commands on a peer: over ssh at its address, as `[ssh]
 * user@NODE` (else `user`, else root) on `port@NODE` (else `port`, else 22).
 */
export function peerEndpoint(conf: NodeConfig, node: string): { host: string; port: number; user: string } {
  const s = conf['ssh'] ?? {};
  const portKey = s[`port@${node}`] !== undefined ? `port@${node}` : 'port';
  const port = Number(s[portKey] ?? 22);
  // `nodemgr set` refuses such a port; a hand edit is said, not replaced by 22.
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new CapsuleError('NodeConfigInvalid', `[ssh] ${portKey} in node.conf is "${s[portKey]}", not a port`, { hint: 'set a port from 1 to 65535 (`nodemgr validate config` lists every problem)' });
  }
  return { host: peerAddress(conf, node), port, user: s[`user@${node}`] ?? s['user'] ?? 'root' };
}
