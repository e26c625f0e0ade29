// The services' targets on this node: target.json, read at every view (so
// that an admin's `svcmgr stop` is published at once, and a restarted agent
// keeps the target), and a newer target heard from a peer adopted into it.
import { clusterTarget, newerTarget, parseTarget, TARGET_FILE, type NodeView, type Target } from '@capsule/cluster';
import { servicePaths, writeStateFile } from '@capsule/config';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export class Targets {
  /** Adoptions being written: the same one is not written twice meanwhile. */
  private readonly writing = new Set<string>();

  constructor(private readonly o: { root: string; log(line: string): void }) {}

  private file(service: string): string {
    return join(servicePaths(this.o.root, service).varDir, TARGET_FILE);
  }

  /** This node's target for `service`, undefined when none was ever set (or the file is unreadable: as if none). */
  read(service: string): Target | undefined {
    let text: string | undefined;
    try {
      text = readFileSync(this.file(service), 'utf8');
    } catch {
      text = undefined;
    }
    return parseTarget(text);
  }

  /**
   * Adopts the newest target the views carry, when newer than this node's:
   * written atomically, so that a crash leaves the old target or the new,
   * never a torn file.
   */
  adopt(service: string, views: Readonly<Record<string, NodeView>>): void {
    const best = clusterTarget(views, service);
    if (!best || this.writing.has(service) || !newerTarget(best.target, this.read(service))) return;
    const t = best.target;
    this.writing.add(service);
    void writeStateFile(this.file(service), JSON.stringify(t) + '\n')
      .then(() => this.o.log(`target ${service}: ${t.target} (generation ${t.generation}, set by ${t.by} at ${t.at}), adopted from ${best.from}`))
      .catch((e: Error) => this.o.log(`target ${service}: could not record ${t.target} from ${best.from}: ${e.message}`))
      .finally(() => this.writing.delete(service));
  }
}
