// The agent's event stream on this node (GET /api/v1/events on the
// root-only api.sock), read frame by frame: what `nodemgr events` prints
// and what `svcmon --watch` redraws on.
import { sseReader } from '@capsule/api/sse';
import { CapsuleError, ErrorCode } from '@capsule/core/errors';
import { request } from 'node:http';
import { join } from 'node:path';

export interface EventStream {
  /** Resolves once the stream answered; rejects when no agent does. */
  open: Promise<void>;
  /** Resolves when the agent ends the stream (it stopped or restarted). */
  ended: Promise<void>;
  close(): void;
}

/** `onData` gets each event's JSON text, as the agent sent it. */
export function eventStream(root: string, onData: (json: string) => void): EventStream {
  const socketPath = join(root, 'var/run/capsule/api.sock');
  let opened!: () => void;
  let failed!: (e: Error) => void;
  let ended!: () => void;
  const open = new Promise<void>((resolve, reject) => ((opened = resolve), (failed = reject)));
  const end = new Promise<void>((resolve) => (ended = resolve));
  const req = request({ socketPath, path: '/api/v1/events' }, (res) => {
    if (res.statusCode !== 200) return failed(new CapsuleError(ErrorCode.DaemonNotRunning, `the agent's API answered ${res.statusCode}`, { hint: 'nodemgr daemon status' }));
    opened();
    res.setEncoding('utf8');
    res.on('data', sseReader(onData));
    res.on('end', ended);
    res.on('error', ended);
  });
  req.on('error', (e: NodeJS.ErrnoException) => {
    failed(new CapsuleError(ErrorCode.DaemonNotRunning, `no agent answers on ${socketPath} (${e.code ?? e.message})`, { hint: 'nodemgr daemon start' }));
    ended();
  });
  req.end();
  // Whoever waits on `ended` alone must not see an unhandled rejection of `open`.
  open.catch(() => undefined);
  return { open, ended: end, close: () => req.destroy() };
}
