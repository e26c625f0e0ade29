// [listener] of node.conf: where the agent serves its HTTP API (HTTPS
// only; unset, the root-only Unix socket alone), and who may call it.
import type { NodeSections } from './node-keywords.js';
import { LISTENER, readKeyword } from './node-keywords.js';

export interface ListenerConfig {
  address?: string;
  port: number;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  tokensFile?: string;
}

/** The typed [listener] section (its values already checked by node-check). */
export function listenerConfig(sections: NodeSections): ListenerConfig {
  const l = sections['listener'] ?? {};
  const opt = <K extends string>(k: K, raw: string | undefined) => (raw === undefined ? {} : ({ [k]: raw } as Record<K, string>));
  return {
    ...opt('address', l['address']?.trim()),
    port: readKeyword(LISTENER.port, l['port'])!,
    ...opt('tlsCert', l['tls_cert']),
    ...opt('tlsKey', l['tls_key']),
    ...opt('clientCa', l['client_ca']),
    ...opt('tokensFile', l['tokens_file']),
  };
}
