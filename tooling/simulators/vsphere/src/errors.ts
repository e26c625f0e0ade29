// Error answers of the vSphere Automation API (/api), printed from the
// corpus: the HTTP status of each error type (corpus/error-status.json, from
// VMware's API specification) and, where a source recorded one, the body
// vCenter sent; otherwise the body vcsim sends (the type, no messages),
// since a message no source shows would be made up.
import type { SimResponse } from '@capsule/sim-https';
import { readFileSync } from 'node:fs';

/** A corpus file's text (tooling/simulators/vsphere/corpus). */
export function corpus(file: string): string {
  return readFileSync(new URL(`../corpus/${file}`, import.meta.url), 'utf8');
}

/** error_type -> HTTP status, as every operation of the specification gives it. */
export const ERROR_STATUS: Readonly<Record<string, number>> = JSON.parse(corpus('error-status.json')) as Record<string, number>;

/** An error of `type` with vcsim's body: no message, as no source recorded this one's words. */
export function vapiError(type: string): SimResponse {
  return { status: ERROR_STATUS[type] ?? 500, body: { error_type: type, messages: [] } };
}

/** An error answered with a recorded body; `vmId` replaces the VM id of the recording (vm-1158). */
export function recordedError(file: string, vmId?: string): SimResponse {
  const text = vmId === undefined ? corpus(file) : corpus(file).replaceAll('vm-1158', vmId);
  const body = JSON.parse(text) as { error_type: string };
  return { status: ERROR_STATUS[body.error_type] ?? 500, body };
}
