// The Cloud Director simulator with real sshd guests, as the vcloud tests
// use it: the test CA, a credentials file, `[driver.vcloud]`.
import { SimWorld, type SimulatedCloud } from '@capsule/sim-https';
import { startVcloudSim, VM_STATUS, type VcloudSim } from '@capsule/sim-vcloud';

export const CREDENTIALS = 'username=capsule\norg=acme\npassword=vcd p@ss\n';
export const VAPP = 'shop';

export class VcloudWorld extends SimWorld<VcloudSim> implements SimulatedCloud {
  async setup(): Promise<void> {
    await this.prepare('capsule-vcdt-', (stateDir) => startVcloudSim({ stateDir, pki: this.pki, users: { 'capsule@acme': 'vcd p@ss' }, onPower: this.guests.hook }), `# Cloud Director tenant login\n${CREDENTIALS}`);
    this.setFault('task-delay-ms', '200');
    this.setFault('shutdown-delay-ms', '200');
  }

  settings(extra: Record<string, string> = {}): Record<string, string> {
    return { url: this.sim.url, credentials_file: this.credentials, ca_file: this.pki.caFile, ...extra };
  }

  secrets(): Record<string, string> {
    return { credentials_file: CREDENTIALS };
  }

  section(): Record<string, string> {
    return { vapp: VAPP };
  }

  add(name: string, address?: string): void {
    this.sim.addVm({ name, vapp: VAPP, org: 'acme', ...(address ? { address } : {}) });
  }

  isRunning(name: string): boolean {
    return this.sim.vm(name)?.status === VM_STATUS.POWERED_ON;
  }
}
