// Running a technology's tool the same way in every driver: a tool that is
// not installed is a named error saying how to install it, a failure names
// the resource, the command and the tool's last words.
import { CapsuleError, ErrorCode, type ActionContext, type ExecOptions, type ExecResult } from '@capsule/core';

/** The last non-empty line of a tool's output: its error, in practice. */
export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}

export interface ToolOptions extends ExecOptions {
  /** How to get the tool, for the hint: "install libvirt-clients". */
  install: string;
}

/** Runs argv with `ctx.exec`; exit 127 (not found) becomes CommandNotFound. */
export async function tool(ctx: Pick<ActionContext, 'exec'>, rid: string, argv: readonly string[], o: ToolOptions): Promise<ExecResult> {
  const { install, ...options } = o;
  const r = await ctx.exec(argv, options);
  if (r.code === 127) {
    throw new CapsuleError(ErrorCode.CommandNotFound, `${rid}: ${argv[0]} is not installed on this node`, {
      hint: `${install}, or fix PATH`,
      details: { rid, command: argv[0] },
    });
  }
  return r;
}

export function actionFailed(rid: string, what: string, r: ExecResult, hint: string): CapsuleError {
  return new CapsuleError(ErrorCode.ContainerActionFailed, `${rid}: ${what} failed with exit ${r.code}: ${lastLine(r.stderr || r.stdout) || 'no output'}`, {
    hint,
    details: { rid, code: r.code },
  });
}

/** The guest is not known to the technology: `what` is "no domain vm1 on qemu:///system". */
export function containerMissing(rid: string, what: string, hint: string): CapsuleError {
  return new CapsuleError(ErrorCode.ContainerNotFound, `${rid}: ${what}`, { hint, details: { rid } });
}
