// The REST client of an API driver as node.conf `[driver.TYPE]` sets it:
// `url`, `ca_file` (the CA that signed the endpoint, PEM), `insecure`
// (only when set to true), `timeout` in seconds.
import { CapsuleError, ErrorCode, type DriverSettings } from '@capsule/core';
import { readFile } from 'node:fs/promises';
import { restClient, type RestClient } from './rest.js';

export interface EndpointOptions {
  rid: string;
  /** The driver's type, for messages: `[driver.esx]`. */
  type: string;
  /** Another URL than `url` (a service found in a catalog), same TLS settings. */
  baseUrl?: string;
  /** What the url looks like, for the hint: "https://VCENTER". */
  example: string;
}

/** `insecure = true` turns TLS verification off: said on every status, since it is never safe to forget. */
export function tlsWarnings(settings: DriverSettings, type: string): string[] {
  if (settings.values['insecure'] !== 'true') return [];
  return [`warn: TLS verification is off for this endpoint ([driver.${type}] insecure = true): anyone between this node and it can pose as it and take its credentials`];
}

export async function endpointClient(settings: DriverSettings, o: EndpointOptions): Promise<RestClient> {
  const url = o.baseUrl || settings.values['url'];
  if (!url) {
    throw new CapsuleError(ErrorCode.MissingKeyword, `${o.rid}: [driver.${o.type}] url is not set in node.conf`, { hint: `set url = ${o.example} in [driver.${o.type}] of node.conf` });
  }
  const caFile = settings.values['ca_file'];
  const ca = caFile ? await readFile(caFile, 'utf8') : undefined;
  const timeoutS = Number(settings.values['timeout'] ?? 30);
  return restClient({ baseUrl: url, ...(ca ? { ca } : {}), insecure: settings.values['insecure'] === 'true', timeoutMs: (Number.isFinite(timeoutS) && timeoutS > 0 ? timeoutS : 30) * 1000 });
}
