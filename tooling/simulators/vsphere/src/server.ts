// A vCenter answering the vSphere Automation REST API (/api, vSphere 7.0U2
// and later) for what the esx driver calls: sessions, VM lookup by name,
// power, guest shutdown through VMware Tools, hosts and relocate (vMotion).
// State in CAPSULE_SIM_STATE-style directory; faults are files in faults/.
import { basicAuth, PowerOps, SimState, startJsonServer, type PowerHook, type SimRequest, type SimResponse, type TestPki } from '@capsule/sim-https';
import { randomBytes } from 'node:crypto';
import { vapiError } from './errors.js';

type PowerState = 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED';

export interface SimVm {
  vm: string;
  name: string;
  power_state: PowerState;
  /** The host-N it runs on. */
  host: string;
  /** Where its guest's sshd answers, for the power hook. */
  address?: string;
  boot: number;
}

interface State {
  hosts: { host: string; name: string }[];
  vms: SimVm[];
  sessions: Record<string, number>;
  next: number;
}

export interface VsphereSimOptions {
  stateDir: string;
  pki: Pick<TestPki, 'key' | 'cert'>;
  /** user -> password */
  users: Record<string, string>;
  /** ESX host names, host-1... in this order. */
  hosts?: string[];
  onPower?: PowerHook;
}

export interface VsphereSim {
  url: string;
  state: SimState<State>;
  requests: string[];
  addVm(o: { name: string; address?: string; host?: string }): SimVm;
  vm(name: string): SimVm | undefined;
  /** The host name a VM runs on. */
  hostOf(name: string): string | undefined;
  close(): Promise<void>;
}

export async function startVsphereSim(o: VsphereSimOptions): Promise<VsphereSim> {
  const state = new SimState<State>(o.stateDir, () => ({ hosts: (o.hosts ?? ['esx1']).map((name, i) => ({ host: `host-${i + 1}`, name })), vms: [], sessions: {}, next: 1 }));
  state.update(() => undefined);
  const power = new PowerOps(o.onPower);
  const ttl = () => state.delayMs('session-ttl-ms', 30 * 60_000);

  const find = (id: string) => state.read().vms.find((v) => v.vm === id);
  const setVm = (id: string, fn: (v: SimVm) => void) => state.update((s) => fn(s.vms.find((v) => v.vm === id)!));

  function authenticated(r: SimRequest): boolean {
    const id = r.headers['vmware-api-session-id'];
    if (typeof id !== 'string') return false;
    const exp = state.read().sessions[id];
    return exp !== undefined && exp > Date.now();
  }

  async function handle(r: SimRequest): Promise<SimResponse> {
    if (r.path === '/api/session' && r.method === 'POST') {
      const cred = basicAuth(r.headers);
      if (!cred || o.users[cred[0]] !== cred[1]) return vapiError('UNAUTHENTICATED', 'com.vmware.vapi.endpoint.method.authentication.required', 'Authentication required.');
      const id = randomBytes(16).toString('hex');
      state.update((s) => void (s.sessions[id] = Date.now() + ttl()));
      return { status: 201, body: id };
    }
    if (!authenticated(r)) return vapiError('UNAUTHENTICATED', 'com.vmware.vapi.endpoint.method.authentication.required', 'Authentication required.');
    if (r.path === '/api/session' && r.method === 'DELETE') {
      state.update((s) => void delete s.sessions[String(r.headers['vmware-api-session-id'])]);
      return { status: 204 };
    }
    if (r.path === '/api/vcenter/host' && r.method === 'GET') {
      const names = r.query.getAll('names');
      return { status: 200, body: state.read().hosts.filter((h) => !names.length || names.includes(h.name)).map((h) => ({ host: h.host, name: h.name, connection_state: 'CONNECTED', power_state: 'POWERED_ON' })) };
    }
    if (r.path === '/api/vcenter/vm' && r.method === 'GET') {
      const names = r.query.getAll('names');
      const hosts = r.query.getAll('hosts');
      const states = r.query.getAll('power_states');
      const vms = state.read().vms.filter((v) => (!names.length || names.includes(v.name)) && (!hosts.length || hosts.includes(v.host)) && (!states.length || states.includes(v.power_state)));
      return { status: 200, body: vms.map((v) => ({ vm: v.vm, name: v.name, power_state: v.power_state, cpu_count: 1, memory_size_MiB: 512 })) };
    }
    const m = /^\/api\/vcenter\/vm\/([^/]+)(\/power|\/guest\/power|\/guest\/identity)?$/.exec(r.path);
    if (!m) return { status: 404, body: { error_type: 'NOT_FOUND', messages: [] } };
    const vm = find(m[1]!);
    if (!vm) return vapiError('NOT_FOUND', 'com.vmware.api.vcenter.vm.not_found', `Virtual machine with identifier '${m[1]}' does not exist.`);
    if (r.method === 'GET' && m[2] === '/power') return { status: 200, body: { state: vm.power_state, ...(vm.power_state === 'POWERED_OFF' ? { clean_power_off: true } : {}) } };
    if (r.method === 'GET' && m[2] === '/guest/identity') return guestIdentity(vm);
    if (r.method === 'GET' && !m[2]) return { status: 200, body: { name: vm.name, power_state: vm.power_state, guest_OS: 'OTHER_LINUX_64' } };
    if (r.method !== 'POST') return { status: 405 };
    const action = r.query.get('action') ?? '';
    if (state.fault(`${vm.name}.denied`) !== undefined) return vapiError('UNAUTHORIZED', 'vapi.security.authorization.invalid', `Permission to perform this operation was denied.`);
    if (state.fault(`${vm.name}.busy`) !== undefined || power.isBusy(vm.vm)) return vapiError('RESOURCE_BUSY', 'com.vmware.api.vcenter.vm.busy', `Another task is in progress for virtual machine '${vm.name}'.`);
    if (m[2] === '/power') return powerAction(vm, action);
    if (m[2] === '/guest/power') return guestPower(vm, action);
    if (action === 'relocate') return relocate(vm, r.body);
    return vapiError('INVALID_ARGUMENT', 'vapi.method.input.invalid', `Unknown action '${action}'.`);
  }

  async function powerAction(vm: SimVm, action: string): Promise<SimResponse> {
    const delay = state.delayMs('power-delay-ms', 100);
    const on = vm.power_state === 'POWERED_ON';
    switch (action) {
      case 'start':
        if (on) return vapiError('ALREADY_IN_DESIRED_STATE', 'com.vmware.api.vcenter.vm.power.already_powered_on', `Virtual machine '${vm.name}' is already powered on.`);
        await power.run(vm.vm, vm, true, delay, () => setVm(vm.vm, (v) => ((v.power_state = 'POWERED_ON'), v.boot++)));
        return { status: 204 };
      case 'stop':
        if (vm.power_state === 'POWERED_OFF') return vapiError('ALREADY_IN_DESIRED_STATE', 'com.vmware.api.vcenter.vm.power.already_powered_off', `Virtual machine '${vm.name}' is already powered off.`);
        await power.run(vm.vm, vm, false, delay, () => setVm(vm.vm, (v) => (v.power_state = 'POWERED_OFF')));
        return { status: 204 };
      case 'reset':
        if (!on) return vapiError('NOT_ALLOWED_IN_CURRENT_STATE', 'com.vmware.api.vcenter.vm.power.not_powered_on', `Virtual machine '${vm.name}' is not powered on.`);
        await power.run(vm.vm, vm, true, delay, () => setVm(vm.vm, (v) => v.boot++));
        return { status: 204 };
      default:
        return vapiError('INVALID_ARGUMENT', 'vapi.method.input.invalid', `Unknown power action '${action}'.`);
    }
  }

  /** What VMware Tools reports of the guest: only while it runs, with Tools. */
  function guestIdentity(vm: SimVm): SimResponse {
    if (vm.power_state !== 'POWERED_ON') return vapiError('NOT_ALLOWED_IN_CURRENT_STATE', 'com.vmware.api.vcenter.vm.guest.not_running', `Virtual machine '${vm.name}' is not running.`);
    if (state.fault(`${vm.name}.no-tools`) !== undefined) return vapiError('SERVICE_UNAVAILABLE', 'com.vmware.api.vcenter.vm.guest.tools_not_running', `VMware Tools is not running in virtual machine '${vm.name}'.`);
    return { status: 200, body: { name: 'OTHER_LINUX_64', family: 'LINUX', full_name: { id: 'vmsg.guestos.other_linux_64', default_message: 'Other Linux (64-bit)', args: [] }, host_name: vm.name, ...(vm.address ? { ip_address: vm.address } : {}) } };
  }

  function guestPower(vm: SimVm, action: string): SimResponse {
    if (action !== 'shutdown' && action !== 'reboot' && action !== 'standby') return vapiError('INVALID_ARGUMENT', 'vapi.method.input.invalid', `Unknown guest power action '${action}'.`);
    if (vm.power_state !== 'POWERED_ON') return vapiError('NOT_ALLOWED_IN_CURRENT_STATE', 'com.vmware.api.vcenter.vm.guest.power.not_powered_on', `Virtual machine '${vm.name}' is not powered on.`);
    if (state.fault(`${vm.name}.no-tools`) !== undefined) return vapiError('SERVICE_UNAVAILABLE', 'com.vmware.api.vcenter.vm.guest.tools_not_running', `VMware Tools is not running in virtual machine '${vm.name}'.`);
    // The guest OS receives the request; one that ignores it (hung, no ACPI handling) keeps running.
    if (action === 'shutdown' && state.fault(`${vm.name}.ignore-shutdown`) === undefined) {
      const boot = vm.boot;
      power.background(vm.vm, vm, false, state.delayMs('shutdown-delay-ms', 300), () => setVm(vm.vm, (v) => v.boot === boot && (v.power_state = 'POWERED_OFF')), { busy: false });
    }
    return { status: 204 };
  }

  async function relocate(vm: SimVm, body: unknown): Promise<SimResponse> {
    const host = (body as { placement?: { host?: unknown } } | undefined)?.placement?.host;
    if (typeof host !== 'string' || !state.read().hosts.some((h) => h.host === host)) return vapiError('INVALID_ARGUMENT', 'com.vmware.api.vcenter.vm.relocate.invalid_host', `Host '${String(host)}' does not exist.`);
    if (state.fault(`${vm.name}.relocate-fails`) !== undefined) return vapiError('NOT_ALLOWED_IN_CURRENT_STATE', 'com.vmware.api.vcenter.vm.relocate.incompatible', `The virtual machine '${vm.name}' cannot be migrated: the destination host is not compatible.`);
    await new Promise((r) => setTimeout(r, state.delayMs('relocate-delay-ms', 200)));
    setVm(vm.vm, (v) => (v.host = host));
    return { status: 204 };
  }

  const server = await startJsonServer({ ...o.pki, handler: handle });
  return {
    url: server.url,
    state,
    requests: server.requests,
    addVm: (v) =>
      state.update((s) => {
        const host = s.hosts.find((h) => h.name === (v.host ?? s.hosts[0]!.name))!.host;
        const vm: SimVm = { vm: `vm-${s.next++}`, name: v.name, power_state: 'POWERED_OFF', host, ...(v.address ? { address: v.address } : {}), boot: 0 };
        s.vms.push(vm);
        return vm;
      }),
    vm: (name) => state.read().vms.find((v) => v.name === name),
    hostOf: (name) => {
      const s = state.read();
      const vm = s.vms.find((v) => v.name === name);
      return s.hosts.find((h) => h.host === vm?.host)?.name;
    },
    async close() {
      await server.close();
      await power.settle();
    },
  };
}
