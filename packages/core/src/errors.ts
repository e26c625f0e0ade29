// Typed errors: every failure a user can meet has a stable code, a message
// saying what happened, and a hint saying what to do about it.

import { type ErrorCode, isErrorCode } from './codes.js';

// The catalogue with the class: code that imports only this subpath still names codes by constant.
export { ErrorCode } from './codes.js';

const BRAND = Symbol.for('capsule.error');

export interface CapsuleErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Structured context (file, line, rid, driver...) for --format json. */
  details?: Record<string, unknown>;
}

export class CapsuleError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: CapsuleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  toJSON(): { code: string; message: string; hint?: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}), details: this.details };
  }
}

/** The error behind a `--format json` answer of another agent (guest or peer): its code and hint survive the hop. */
export function errorFromJson(body: unknown, fallback: ErrorCode, prefix: string): CapsuleError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  // The CLI prints `{"error": {...}}`; the bare object is accepted too.
  const inner = (body as { error?: unknown }).error;
  if (typeof inner === 'object' && inner !== null) body = inner;
  const b = body as { code?: unknown; message?: unknown; hint?: unknown; details?: unknown };
  if (typeof b.message !== 'string') return undefined;
  const code = isErrorCode(b.code) ? b.code : fallback;
  return new CapsuleError(code, `${prefix}${b.message}`, {
    ...(typeof b.hint === 'string' ? { hint: b.hint } : {}),
    details: { ...(typeof b.details === 'object' && b.details ? (b.details as Record<string, unknown>) : {}), remoteCode: b.code },
  });
}

/** Brand check instead of instanceof: two copies of core may be loaded (app + driver dir). */
export function isCapsuleError(e: unknown): e is CapsuleError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

/** The text a CLI prints for an error: one line of what, one of what to do. */
export function formatError(e: unknown): string {
  if (isCapsuleError(e)) return e.hint ? `${e.message}\n  hint: ${e.hint}` : e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
