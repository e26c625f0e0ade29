// How a program runs as a process: a closed stdout ends it quietly, and it
// exits as soon as the command is done.
import { run } from './main.js';
import type { ProgramSpec } from './spec.js';

/**
 * `svcmgr logs | head -1`: once the reader is gone, there is nobody left to
 * tell anything; end quietly, as Unix tools do, instead of an EPIPE trace.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.EventEmitter, exit: (code: number) => void = (c) => process.exit(c)): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') exit(0);
    else throw e;
  });
}

export async function main(program: ProgramSpec): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const code = await run(program, process.argv.slice(2));
  // A driver may leave a timer or a socket behind; the command is done anyway.
  // (stdout and stderr writes are synchronous for files, pipes and TTYs on Linux.)
  process.exit(code);
}
