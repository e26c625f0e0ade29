// `nodemgr events`: the agent's event stream (GET /api/v1/events on the
// root-only api.sock), one line an event as it happens, until Ctrl-C;
// `--format json`: each event's JSON on a line of its own. The stream ends
// when the agent stops: nodemgr then says so and exits 1.
import { Event } from '@capsule/api';
import { CapsuleError, ErrorCode } from '@capsule/core/errors';
import { request } from 'node:http';
import { join } from 'node:path';
import type { CommandContext } from '../spec.js';

/** One event as a line of text: its time, its kind, and what it says. */
export function eventLine(e: Event): string {
  const what = (() => {
    switch (e.kind) {
      case 'status':
        return `${e.service}@${e.node} ${e.avail}${e.overall !== e.avail ? ` (overall ${e.overall})` : ''}${e.frozen ? ' frozen' : ''}${e.startFailed ? ' start-failed' : ''}${e.target ? ` target ${e.target}` : ''}`;
      case 'status-gone':
        return `${e.service}@${e.node} no longer known`;
      case 'node':
        return `${e.node} ${e.state}${e.reason ? `: ${e.reason}` : ''}`;
      case 'quorum':
        return `${e.quorum ? 'quorum' : 'NO QUORUM'}: ${e.reason}`;
      case 'decision':
        return `${e.action} ${e.service}: ${e.reason}`;
      case 'action':
        return `${e.action} ${e.service} ${e.phase === 'begin' ? 'begun' : `ended, exit ${e.code}${e.error ? `: ${e.error}` : ''}`} (${e.action_id}, ${e.by})`;
      case 'config':
        return `${e.service} config generation ${e.generation} (${e.csum.slice(0, 12)})`;
    }
  })();
  return `${e.at} ${e.kind.padEnd(11)} ${what}`;
}

export async function run(ctx: CommandContext): Promise<number> {
  const socketPath = join(ctx.root, 'var/run/capsule/api.sock');
  let stop!: () => void;
  const stopped = new Promise<'stop'>((r) => (stop = () => r('stop')));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const ended = new Promise<'ended'>((resolve, reject) => {
      const req = request({ socketPath, path: '/api/v1/events' }, (res) => {
        if (res.statusCode !== 200) return reject(new CapsuleError(ErrorCode.DaemonNotRunning, `the agent's API answered ${res.statusCode}`, { hint: 'nodemgr daemon status' }));
        ctx.err(`following the agent's events (Ctrl-C to stop)\n`);
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          buf += d;
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const data = buf.slice(0, i).split('\n').find((l) => l.startsWith('data: '));
            buf = buf.slice(i + 2);
            if (!data) continue;
            const e = Event.safeParse(JSON.parse(data.slice(6)));
            // An event of a newer agent this nodemgr does not know: shown as it came in JSON, skipped in text.
            if (ctx.format === 'json') ctx.out(`${data.slice(6)}\n`);
            else if (e.success) ctx.out(`${eventLine(e.data)}\n`);
          }
        });
        res.on('end', () => resolve('ended'));
        res.on('error', () => resolve('ended'));
      });
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(new CapsuleError(ErrorCode.DaemonNotRunning, `no agent answers on ${socketPath} (${e.code ?? e.message})`, { hint: 'nodemgr daemon start' })),
      );
      void stopped.then(() => req.destroy());
      req.end();
    });
    const how = await Promise.race([ended, stopped]);
    if (how === 'stop') return 0;
    ctx.err('the agent closed the event stream (stopped or restarted)\n');
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
