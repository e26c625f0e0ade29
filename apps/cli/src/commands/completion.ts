// `nodemgr completion bash|zsh`: the completion script of svcmgr, nodemgr
// and svcmon, generated from their command tables (completion.ts).
import { CapsuleError, ErrorCode } from '@capsule/core/errors';
import { completionScript } from '../completion.js';
import { nodemgr } from '../programs/nodemgr.js';
import { svcmgr } from '../programs/svcmgr.js';
import { svcmon } from '../programs/svcmon.js';
import type { CommandContext } from '../spec.js';

export async function run(ctx: CommandContext): Promise<number> {
  const shell = ctx.positionals[0];
  if (shell !== 'bash' && shell !== 'zsh') {
    throw new CapsuleError(ErrorCode.UsageError, `nodemgr completion ${shell ?? ''}: expected bash or zsh`, { hint: 'source <(nodemgr completion bash), or write it to /usr/share/bash-completion/completions/' });
  }
  ctx.out(completionScript(shell, [svcmgr, nodemgr, svcmon]));
  return 0;
}
