// The OpenStack simulator with real sshd guests, as the openstack tests use
// it: the test CA, an openrc-style credentials file, `[driver.openstack]`.
import { SimWorld, type SimulatedCloud } from '@capsule/sim-https';
import { STATE_MAP, startOpenstackSim, statusFromState, type OpenstackSim } from '@capsule/sim-openstack';

export const OPENRC = "export OS_USERNAME=capsule\nexport OS_PASSWORD='s3cret pw'\nexport OS_PROJECT_NAME=ha\nexport OS_USER_DOMAIN_NAME=Default\nexport OS_PROJECT_DOMAIN_NAME=Default\n";

export class OpenstackWorld extends SimWorld<OpenstackSim> implements SimulatedCloud {
  private readonly held = new Map<string, Promise<void>>();

  /**
   * Holds the power changes of server `name` (Nova's task stays under way)
   * until the returned function is called: a test sees `powering-on` while
   * it lasts, however slow the machine, instead of within a few sleeping
   * milliseconds.
   */
  hold(name: string): () => void {
    let release!: () => void;
    this.held.set(name, new Promise<void>((r) => (release = r)));
    return () => {
      this.held.delete(name);
      release();
    };
  }

  async setup(): Promise<void> {
    const users = [{ name: 'capsule', domain: 'Default', password: 's3cret pw', project: 'ha' }];
    const appCredentials = { 'ac-capsule': { secret: 'app secret', project: 'ha' } };
    const onPower: typeof this.guests.hook = async (guest, on) => {
      await this.held.get(guest.name);
      await this.guests.hook(guest, on);
    };
    await this.prepare('capsule-ost-', (stateDir) => startOpenstackSim({ stateDir, pki: this.pki, users, appCredentials, onPower }), `# capsule's OpenStack user\n${OPENRC}`);
    // Nova's times, short: a clean shutdown, and the shutdown_timeout after which it powers a guest off.
    this.setFault('start-delay-ms', '200');
    this.setFault('stop-delay-ms', '200');
    this.setFault('shutdown-timeout-ms', '3000');
  }

  settings(extra: Record<string, string> = {}): Record<string, string> {
    return { url: this.sim.authUrl, credentials_file: this.credentials, ca_file: this.pki.caFile, shutdown_timeout: '10', ...extra };
  }

  secrets(): Record<string, string> {
    return { credentials_file: OPENRC };
  }

  add(name: string, address?: string): void {
    this.sim.addServer({ name, project: 'ha', ...(address ? { address } : {}) });
  }

  /**
   * Puts server `name` where Nova shows `word` (`STATUS` or `STATUS (task)`):
   * the vm_state and task_state Nova's own map prints it for, else (a status
   * no Nova prints today) the word itself.
   */
  put(name: string, word: string): void {
    const [, status, task] = /^(\S+)(?: \((.+)\))?$/.exec(word)!;
    const rows = Object.entries(STATE_MAP);
    const plain = rows.find(([, r]) => r['default'] === status)?.[0];
    const folded = rows.flatMap(([vm, r]) => Object.entries(r).filter(([t, s]) => t !== 'default' && s === status).map(([t]) => [vm, t] as const))[0];
    const lower = status!.toLowerCase();
    if (task !== undefined && plain) this.sim.patchServer(name, { vm_state: plain, task_state: task });
    else if (plain) this.sim.patchServer(name, { vm_state: plain, task_state: null });
    else if (folded) this.sim.patchServer(name, { vm_state: folded[0], task_state: folded[1] });
    else if (statusFromState(lower, null) === status) this.sim.patchServer(name, { vm_state: lower, task_state: null });
    else this.sim.patchServer(name, { vm_state: 'active', task_state: task ?? null, status: status! });
  }

  isRunning(name: string): boolean {
    return this.sim.server(name)?.vm_state === 'active';
  }
}
