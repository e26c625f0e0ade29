// A simulator's state: its guests in `state.json` of a directory (so a
// restarted simulator, or the test, sees what the last call left), and
// fault files the test drops into `faults/` to make the next calls fail,
// hang or take time, read afresh on every request.
import { mkdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

/** Called when a guest powers on (`on` true) or off: the test starts or stops what plays the guest. */
export type PowerHook = (guest: { name: string; address?: string }, on: boolean) => Promise<void> | void;

export class SimState<T extends object> {
  constructor(
    readonly dir: string,
    private readonly initial: () => T,
  ) {
    mkdirSync(join(dir, 'faults'), { recursive: true });
  }

  read(): T {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'state.json'), 'utf8')) as T;
    } catch {
      return this.initial();
    }
  }

  /** Read, change and write back in one synchronous step: requests never interleave inside it. */
  update<R>(fn: (s: T) => R): R {
    const s = this.read();
    const r = fn(s);
    const tmp = join(this.dir, `state.json.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(s, null, 2));
    renameSync(tmp, join(this.dir, 'state.json'));
    return r;
  }

  /** The content of `faults/NAME` (trimmed), or undefined when the test did not set it. */
  fault(name: string): string | undefined {
    try {
      return readFileSync(join(this.dir, 'faults', name), 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  setFault(name: string, value = ''): void {
    writeFileSync(join(this.dir, 'faults', name), value);
  }

  clearFault(name: string): void {
    rmSync(join(this.dir, 'faults', name), { force: true });
  }

  /** `faults/NAME` as milliseconds, or `fallback`. */
  delayMs(name: string, fallback: number): number {
    const v = Number(this.fault(name));
    return Number.isFinite(v) && this.fault(name) !== undefined ? v : fallback;
  }
}
