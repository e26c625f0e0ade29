// What each API driver's test world holds: a temporary directory, the test
// CA, the sshd guests and a simulator, all removed on teardown.
import type { SimulatedCloud } from './conformance.js';
import { SshGuests } from './guests.js';
import { makeTestPki, type TestPki } from './pki.js';
import type { SimState } from './state.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export abstract class SimWorld<S extends { state: SimState<object>; close(): Promise<void> }> implements Partial<SimulatedCloud> {
  dir!: string;
  pki!: TestPki;
  sim!: S;
  /** The credentials file, mode 0600. */
  credentials!: string;
  readonly guests = new SshGuests();

  /** Makes the directory, the CA, the simulator (`start`) and the credentials file. */
  protected async prepare(prefix: string, start: (stateDir: string) => Promise<S>, credentials: string): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), prefix));
    this.pki = await makeTestPki(this.dir);
    this.sim = await start(join(this.dir, 'state'));
    this.credentials = join(this.dir, 'credentials');
    await writeFile(this.credentials, credentials, { mode: 0o600 });
  }

  setFault(file: string, value = ''): void {
    this.sim.state.setFault(file, value);
  }

  async teardown(): Promise<void> {
    await this.sim?.close();
    await this.guests.dispose();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
