// How a program runs as a process: a closed stdout ends it quietly, and it
// exits as soon as the command is done and its output is out.
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

/**
 * Resolves once everything written to `stream` is handed to the OS. A pipe
 * takes 64 KiB; the rest waits in the stream's buffer until the reader reads,
 * and process.exit drops it: `svcmgr logs | less` showed the first 64 KiB
 * with exit 0. Writes complete in order, so an empty write's callback says
 * that every earlier one is done.
 */
export function drained(stream: Pick<NodeJS.WritableStream, 'write'> & { writableLength?: number }): Promise<void> {
  if (!stream.writableLength) return Promise.resolve();
  return new Promise((resolve) => stream.write('', () => resolve()));
}

export async function main(program: ProgramSpec): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const code = await run(program, process.argv.slice(2));
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  // A driver may leave a timer or a socket behind; the command is done anyway.
  process.exit(code);
}
