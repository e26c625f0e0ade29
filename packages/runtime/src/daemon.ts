// The agent daemon's local API: one JSON request per connection on a Unix
// socket that only root can open, one JSON answer back; and where the daemon
// keeps its socket, pid and log under CAPSULE_ROOT.
import { CapsuleError } from '@capsule/core/errors';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';

export function daemonPaths(root: string) {
  return {
    runDir: join(root, 'var/run/capsule'),
    socket: join(root, 'var/run/capsule/agent.sock'),
    pid: join(root, 'var/run/capsule/agent.pid'),
    /** Held by the agent for its whole life: one agent per node (agent-lock.ts). */
    lock: join(root, 'var/run/capsule/agent.lock'),
    log: join(root, 'var/log/capsule/agent.log'),
    /** `nodemgr freeze`: the daemon starts and stops nothing on this node. */
    nodeFrozen: join(root, 'var/lib/capsule/node.frozen'),
  };
}

export type Request = { cmd: 'status' } | { cmd: 'stop' } | { cmd: 'reload' } | { cmd: 'refresh'; service?: string } | { cmd: 'clear'; service: string };

export async function serve(path: string, handle: (r: Request) => Promise<unknown>): Promise<Server> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await rm(path, { force: true });
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > 65536) return void sock.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      let req: Request;
      try {
        req = JSON.parse(buf.slice(0, nl)) as Request;
      } catch {
        return void sock.end(JSON.stringify({ error: 'malformed request' }) + '\n');
      }
      handle(req).then(
        (answer) => sock.end(JSON.stringify(answer) + '\n'),
        (e: unknown) => sock.end(JSON.stringify({ error: (e as Error).message }) + '\n'),
      );
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return server;
}

/** Whether a daemon answers on the socket within a second. */
export function daemonAnswers(path: string): Promise<boolean> {
  return ask(path, { cmd: 'status' }, 1000).then(
    () => true,
    () => false,
  );
}

/** Asks the local daemon; DaemonNotRunning when nobody answers on the socket. */
export function ask<T>(path: string, req: Request, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    const timer = setTimeout(() => sock.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (d: string) => (buf += d));
    sock.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buf) as T);
      } catch {
        reject(new CapsuleError('DaemonNotRunning', `the agent daemon answered garbage on ${path}`, { hint: 'restart it: nodemgr daemon stop; nodemgr daemon start' }));
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      // The cause says why: nothing listening, or a socket this user may not use.
      reject(new CapsuleError('DaemonNotRunning', `the agent daemon does not answer on ${path}: ${e.message}`, { hint: 'start it: nodemgr daemon start', cause: e }));
    });
  });
}
