// `nodemgr events`: the agent's event stream, one line an event as it
// happens, until Ctrl-C; `--format json`: each event's JSON on a line of
// its own. The stream ends when the agent stops: nodemgr then says so and
// exits 1.
import { Event } from '@capsule/api';
import type { CommandContext } from '../spec.js';
import { eventStream } from './event-stream.js';

/** One event as a line of text: its time, its kind, and what it says. */
export function eventLine(e: Event): string {
  const what = (() => {
    switch (e.kind) {
      case 'status':
        return `${e.service}@${e.node} ${e.avail}${e.overall !== e.avail ? ` (overall ${e.overall})` : ''}${e.frozen ? ' frozen' : ''}${e.startFailed ? ' start-failed' : ''}${e.target ? ` target ${e.target}` : ''}${e.generation !== undefined ? ` config ${e.generation}` : ''}`;
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
  const s = eventStream(ctx.root, (json) => {
    // An event of a newer agent this nodemgr does not know: passed on in JSON, skipped in text.
    if (ctx.format === 'json') return ctx.out(`${json}\n`);
    const e = Event.safeParse(JSON.parse(json));
    if (e.success) ctx.out(`${eventLine(e.data)}\n`);
  });
  let stop!: () => void;
  const stopped = new Promise<'stop'>((r) => (stop = () => r('stop')));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await s.open;
    ctx.err(`following the agent's events (Ctrl-C to stop)\n`);
    const how = await Promise.race([s.ended.then(() => 'ended' as const), stopped]);
    s.close();
    if (how === 'stop') return 0;
    ctx.err('the agent closed the event stream (stopped or restarted)\n');
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
