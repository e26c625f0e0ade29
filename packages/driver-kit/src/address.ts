// The guest address an API reported (Nova's addresses, a vCloud VM's
// network connection), kept in a file: the engine asks a container for its
// guest channel synchronously, before any API call of the command.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './files.js';

export class RememberedAddress {
  constructor(readonly file: string) {}

  /** The address last remembered, or undefined. */
  get(): string | undefined {
    try {
      return readFileSync(this.file, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Remembers `addr` when it changed; undefined (the API reports none) keeps the last one. */
  async set(addr: string | undefined): Promise<void> {
    if (addr && addr !== this.get()) await writeFileAtomic(this.file, `${addr}\n`, 0o644);
  }
}
