// The vSphere simulator with real sshd guests, as the esx tests use it:
// the test CA, a credentials file, node.conf `[driver.esx]` settings.
import { makeTestPki, SshGuests, type TestPki } from '@capsule/sim-https';
import { startVsphereSim, type VsphereSim } from '@capsule/sim-vsphere';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const USER = 'capsule@vsphere.local';
export const PASSWORD = 'pa:ss word';

export class EsxWorld {
  dir!: string;
  pki!: TestPki;
  sim!: VsphereSim;
  readonly guests = new SshGuests();
  credentials!: string;

  async setup(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'capsule-esxt-'));
    this.pki = await makeTestPki(this.dir);
    this.sim = await startVsphereSim({ stateDir: join(this.dir, 'state'), pki: this.pki, users: { [USER]: PASSWORD }, hosts: ['esx1', 'esx2'], onPower: this.guests.hook });
    this.credentials = join(this.dir, 'vcenter.cred');
    await writeFile(this.credentials, `# vCenter login of capsule\nusername = ${USER}\npassword = ${PASSWORD}\n`, { mode: 0o600 });
    // Quick guest shutdowns and power changes keep the suite short; the delays still exist.
    this.sim.state.setFault('shutdown-delay-ms', '200');
  }

  /** node.conf `[driver.esx]` for node hv1 on esx1 (hv2 on esx2). */
  settings(extra: Record<string, string> = {}): Record<string, string> {
    return { url: this.sim.url, credentials_file: this.credentials, ca_file: this.pki.caFile, host: 'esx1', migrate_host: 'esx2', ...extra };
  }

  async teardown(): Promise<void> {
    await this.sim?.close();
    await this.guests.dispose();
    await rm(this.dir, { recursive: true, force: true });
  }
}
