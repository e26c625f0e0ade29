// A vCenter answering the vSphere Automation REST API (/api, vSphere 7.0U2
// and later) for what the esx driver calls: sessions, VM lookup by name,
// power, guest shutdown through VMware Tools, hosts and relocate (vMotion).
// What it prints comes from corpus/ (with its sources); state in a
// CAPSULE_SIM_STATE-style directory; faults are files in faults/.
import { basicAuth, PowerOps, SimState, startJsonServer, type PowerHook, type SimRequest, type SimResponse, type TestPki } from '@capsule/sim-https';
import { randomBytes } from 'node:crypto';
import { corpus, recordedError, vapiError } from './errors.js';

/** A guest's identity as VMware Tools reports it (corpus/guest-identity.json); host_name and ip_address are the guest's. */
const IDENTITY = JSON.parse(corpus('guest-identity.json')) as Record<string, unknown>;

/** The documented power states (VcenterVmPowerState); a test may set any other word, as a later vCenter might print. */
export type PowerState = 'POWERED_ON' | 'POWERED_OFF' | 'SUSPENDED' | (string & {});

export interface SimVm {
  vm: string;
  name: string;
  power_state: PowerState;
  /** Whether it was powered off cleanly (shown while POWERED_OFF); false after a crash. */
  clean_power_off?: boolean;
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
  /** Test side: puts VM NAME in a power state as vCenter would show it (any word, as a later vCenter might print), without running the power hook. */
  setPower(name: string, state: PowerState, o?: { clean?: boolean }): void;
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
      if (!cred || o.users[cred[0]] !== cred[1]) return vapiError('UNAUTHENTICATED');
      const id = randomBytes(16).toString('hex');
      state.update((s) => void (s.sessions[id] = Date.now() + ttl()));
      return { status: 201, body: id };
    }
    // vcsim's answer to a call without a valid session: the status, no body.
    if (!authenticated(r)) return { status: 401 };
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
    if (!vm) return vapiError('NOT_FOUND');
    // clean_power_off is "only relevant when state is POWERED_OFF" (corpus/power-off.json).
    if (r.method === 'GET' && m[2] === '/power') return { status: 200, body: { state: vm.power_state, ...(vm.power_state === 'POWERED_OFF' ? { clean_power_off: vm.clean_power_off ?? true } : {}) } };
    if (r.method === 'GET' && m[2] === '/guest/identity') return guestIdentity(vm);
    if (r.method === 'GET' && !m[2]) return { status: 200, body: { name: vm.name, power_state: vm.power_state, guest_OS: 'OTHER_LINUX_64' } };
    if (r.method !== 'POST') return { status: 405 };
    const action = r.query.get('action') ?? '';
    if (state.fault(`${vm.name}.denied`) !== undefined) return vapiError('UNAUTHORIZED');
    if (state.fault(`${vm.name}.busy`) !== undefined || power.isBusy(vm.vm)) return vapiError('RESOURCE_BUSY');
    if (m[2] === '/power') return powerAction(vm, action);
    if (m[2] === '/guest/power') return guestPower(vm, action);
    if (action === 'relocate') return relocate(vm, r.body);
    return vapiError('INVALID_ARGUMENT');
  }

  async function powerAction(vm: SimVm, action: string): Promise<SimResponse> {
    const delay = state.delayMs('power-delay-ms', 100);
    const on = vm.power_state === 'POWERED_ON';
    switch (action) {
      // Starts "a powered-off or suspended virtual machine" (a suspended one resumes).
      case 'start':
        if (on) return vapiError('ALREADY_IN_DESIRED_STATE');
        await power.run(vm.vm, vm, true, delay, () => setVm(vm.vm, (v) => ((v.power_state = 'POWERED_ON'), v.boot++)));
        return { status: 204 };
      // Stops "a powered-on or suspended virtual machine"; already off answers what vCenter recorded (corpus/stop-already-off.json).
      case 'stop':
        if (vm.power_state === 'POWERED_OFF') return recordedError('stop-already-off.json');
        await power.run(vm.vm, vm, false, delay, () => setVm(vm.vm, (v) => ((v.power_state = 'POWERED_OFF'), (v.clean_power_off = true))));
        return { status: 204 };
      case 'suspend':
        if (vm.power_state === 'SUSPENDED') return vapiError('ALREADY_IN_DESIRED_STATE');
        if (!on) return vapiError('NOT_ALLOWED_IN_CURRENT_STATE');
        await power.run(vm.vm, vm, false, delay, () => setVm(vm.vm, (v) => (v.power_state = 'SUSPENDED')));
        return { status: 204 };
      case 'reset':
        if (!on) return vapiError('NOT_ALLOWED_IN_CURRENT_STATE');
        await power.run(vm.vm, vm, true, delay, () => setVm(vm.vm, (v) => v.boot++));
        return { status: 204 };
      default:
        return vapiError('INVALID_ARGUMENT');
    }
  }

  /** What VMware Tools reports of the guest (corpus/guest-identity.json); a guest that does not run, or has no Tools, provided no information. */
  function guestIdentity(vm: SimVm): SimResponse {
    if (vm.power_state !== 'POWERED_ON' || state.fault(`${vm.name}.no-tools`) !== undefined) return recordedError('guest-identity-no-tools.json', vm.vm);
    return { status: 200, body: { ...IDENTITY, host_name: vm.name, ...(vm.address ? { ip_address: vm.address } : {}) } };
  }

  /** The guest OS is asked to shut down; the errors are the Go SDK's list for Power.shutdown (corpus/README.md). */
  function guestPower(vm: SimVm, action: string): SimResponse {
    if (action !== 'shutdown' && action !== 'reboot' && action !== 'standby') return vapiError('INVALID_ARGUMENT');
    if (vm.power_state === 'SUSPENDED') return vapiError('NOT_ALLOWED_IN_CURRENT_STATE');
    if (vm.power_state !== 'POWERED_ON') return vapiError(action === 'shutdown' ? 'ALREADY_IN_DESIRED_STATE' : 'NOT_ALLOWED_IN_CURRENT_STATE');
    if (state.fault(`${vm.name}.no-tools`) !== undefined) return vapiError('SERVICE_UNAVAILABLE');
    // The guest OS receives the request; one that ignores it (hung, no ACPI handling) keeps running.
    if (action === 'shutdown' && state.fault(`${vm.name}.ignore-shutdown`) === undefined) {
      const boot = vm.boot;
      power.background(vm.vm, vm, false, state.delayMs('shutdown-delay-ms', 300), () => setVm(vm.vm, (v) => v.boot === boot && ((v.power_state = 'POWERED_OFF'), (v.clean_power_off = true))), { busy: false });
    }
    return { status: 204 };
  }

  async function relocate(vm: SimVm, body: unknown): Promise<SimResponse> {
    const host = (body as { placement?: { host?: unknown } } | undefined)?.placement?.host;
    if (typeof host !== 'string' || !state.read().hosts.some((h) => h.host === host)) return vapiError('INVALID_ARGUMENT');
    // "if a specified resource (eg. host) is not accessible" (spec 7.0.3, relocate).
    if (state.fault(`${vm.name}.relocate-fails`) !== undefined) return vapiError('RESOURCE_INACCESSIBLE');
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
    setPower: (name, power_state, p = {}) =>
      state.update((s) => {
        const vm = s.vms.find((v) => v.name === name);
        if (!vm) throw new Error(`no VM named ${name}`);
        vm.power_state = power_state;
        vm.clean_power_off = p.clean ?? true;
      }),
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
