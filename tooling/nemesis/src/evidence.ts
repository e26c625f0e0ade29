// What the nodes logged, kept as evidence of a finding: every agent's,
// watchdog's and service action log, merged by time around a moment, and
// all of it copied to a directory that outlives the cluster.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestCluster } from '@capsule/testenv';
import { SERVICE } from './edits.js';

interface Source {
  file: string;
  lines: string[];
}

/** Per node: its agent's output, its watchdog's log and the service's action log; and the arbitrator's. */
async function sources(c: TestCluster): Promise<Source[]> {
  const read = (f: string) => readFile(f, 'utf8').then((t) => t.split('\n').filter(Boolean), () => []);
  const out: Source[] = [];
  for (const n of c.nodes.values()) {
    out.push({ file: `${n.name}.agent.log`, lines: n.log });
    out.push({ file: `${n.name}.watchdog.log`, lines: await read(join(n.root, 'var/log/capsule/watchdog.log')) });
    out.push({ file: `${n.name}.${SERVICE}.log`, lines: await read(join(n.root, 'var/lib/capsule', SERVICE, 'log')) });
  }
  if (c.arbitratorLog.length) out.push({ file: 'arbitrator.log', lines: c.arbitratorLog });
  return out;
}

/** Lines stamped (ISO time first) from `from` to `to`, every source merged by time, each named by its file. */
export async function eventsBetween(c: TestCluster, from: number, to: number): Promise<string[]> {
  const picked: { t: number; line: string }[] = [];
  for (const s of await sources(c)) {
    for (const line of s.lines) {
      const t = Date.parse(line.slice(0, 24));
      if (t >= from && t <= to) picked.push({ t, line: `${s.file.replace(/\.log$/, '')}: ${line}` });
    }
  }
  // A stable sort keeps each file's own order for lines of one millisecond.
  return picked.sort((a, b) => a.t - b.t).map((p) => p.line);
}

/** Every log, whole, into `dir`. */
export async function saveLogs(c: TestCluster, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const s of await sources(c)) await writeFile(join(dir, s.file), s.lines.join('\n') + '\n');
}
