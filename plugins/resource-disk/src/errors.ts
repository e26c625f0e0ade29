// The errors of disk resources: each names the rid, what is wrong and what to do.
// Codes come from core's catalogue.
import { CapsuleError, ErrorCode, type ExecResult } from '@capsule/core';
import { lastLine } from '@capsule/driver-kit';

export function commandFailed(rid: string, argv: readonly string[], r: ExecResult, hint: string): CapsuleError {
  return new CapsuleError(ErrorCode.DiskActionFailed, `${rid}: ${argv.join(' ')} failed with exit ${r.code}: ${lastLine(r.stderr || r.stdout) || 'no output'}`, {
    hint,
    details: { rid, command: argv.join(' '), code: r.code },
  });
}

export function missingKeyword(rid: string, type: string, keyword: string, example: string): CapsuleError {
  return new CapsuleError(ErrorCode.MissingKeyword, `${rid}: disk.${type} needs the ${keyword} keyword`, {
    hint: `set it: svcmgr set --param ${rid}.${keyword} --value ${example}`,
    details: { rid, keyword },
  });
}

export function invalid(rid: string, what: string, hint: string): CapsuleError {
  return new CapsuleError(ErrorCode.ConfigInvalid, `${rid}: ${what}`, { hint, details: { rid } });
}

export function deviceMissing(rid: string, what: string, hint: string): CapsuleError {
  return new CapsuleError(ErrorCode.DiskNotFound, `${rid}: ${what}`, { hint, details: { rid } });
}

export function refused(rid: string, what: string, hint: string): CapsuleError {
  return new CapsuleError(ErrorCode.DiskActionFailed, `${rid}: ${what}`, { hint, details: { rid } });
}
