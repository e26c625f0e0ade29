// The vSphere simulator with real sshd guests, as the esx tests use it:
// the test CA, a credentials file, node.conf `[driver.esx]` settings.
import { SimWorld, type SimulatedCloud } from '@capsule/sim-https';
import { startVsphereSim, type VsphereSim } from '@capsule/sim-vsphere';

export const USER = 'capsule@vsphere.local';
export const PASSWORD = 'pa:ss word';
const CREDENTIALS = `username=${USER}\npassword=${PASSWORD}\n`;

export class EsxWorld extends SimWorld<VsphereSim> implements SimulatedCloud {
  async setup(): Promise<void> {
    await this.prepare('capsule-esxt-', (stateDir) => startVsphereSim({ stateDir, pki: this.pki, users: { [USER]: PASSWORD }, hosts: ['esx1', 'esx2'], onPower: this.guests.hook }), `# vCenter login of capsule\n${CREDENTIALS}`);
    // Quick guest shutdowns keep the suite short; the delay still exists.
    this.setFault('shutdown-delay-ms', '200');
  }

  /** node.conf `[driver.esx]` for node hv1 on esx1 (hv2 on esx2). */
  settings(extra: Record<string, string> = {}): Record<string, string> {
    return { url: this.sim.url, credentials_file: this.credentials, ca_file: this.pki.caFile, host: 'esx1', migrate_host: 'esx2', ...extra };
  }

  secrets(): Record<string, string> {
    return { credentials_file: CREDENTIALS };
  }

  add(name: string, address?: string): void {
    this.sim.addVm({ name, host: 'esx1', ...(address ? { address } : {}) });
  }

  /** Powered on, on this node's host. */
  isRunning(name: string): boolean {
    return this.sim.vm(name)?.power_state === 'POWERED_ON' && this.sim.hostOf(name) === 'esx1';
  }
}
