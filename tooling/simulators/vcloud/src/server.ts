// A VMware Cloud Director for what the vcloud driver calls: tenant sessions
// (POST /cloudapi/1.0.0/sessions, the token in X-VMWARE-VCLOUD-ACCESS-TOKEN),
// the query service for VMs by name and vApp, the Vm entity with its
// numeric status, power actions (powerOn, powerOff, shutdown) answered with
// a Task that runs for a while (queued first, postRunning at the end, or
// ending aborted, canceled or in error, as faults say), and the task itself.
// The API version refusal prints the corpus's message
// (corpus/error-406-version.txt).
import { basicAuth, PowerOps, SimState, startJsonServer, type PowerHook, type SimRequest, type SimResponse, type TestPki } from '@capsule/sim-https';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { statusName, VM_STATUS } from './status.js';

export interface SimVcdVm {
  id: string;
  name: string;
  vapp: string;
  org: string;
  status: number;
  address?: string;
  boot: number;
  /** A VM of a vApp template (the `vm` query type lists those too, isVAppTemplate true). */
  template?: boolean;
}

interface Task {
  id: string;
  operationName: string;
  /** queued, running, postRunning, success, error (corpus/task-statuses.txt). */
  status: string;
  owner: string;
  error?: { majorErrorCode: number; minorErrorCode: string; message: string };
  /** Shown `queued` until then (ms since the epoch). */
  queuedUntil?: number;
  /** A postRunning task is `success` from then; a task with an `outcome` ends in it then. */
  endsAt?: number;
  /** The word a task that fails without doing its work ends in: error, aborted, canceled. */
  outcome?: string;
}

/** The refusal of an Accept header naming no version this Cloud Director speaks; the versions it names are the ones it speaks. */
const NOT_ACCEPTABLE = readFileSync(new URL('../corpus/error-406-version.txt', import.meta.url), 'utf8').trim();
const SPOKEN = /\[(.*)\] \(\[D\]/.exec(NOT_ACCEPTABLE)![1]!.split(', ').map((v) => v.replace(' [D]', ''));

/** What a task shows now: its phases are times, so nothing runs between requests. */
function shownStatus(t: Task, now = Date.now()): string {
  if (t.outcome !== undefined && now >= (t.endsAt ?? 0)) return t.outcome;
  if ((t.status === 'running' || t.outcome !== undefined) && now < (t.queuedUntil ?? 0)) return 'queued';
  if (t.outcome !== undefined) return 'running';
  if (t.status === 'postRunning' && now >= (t.endsAt ?? 0)) return 'success';
  return t.status;
}

interface State {
  vms: SimVcdVm[];
  tasks: Task[];
  sessions: Record<string, { org: string; expiresAt: number }>;
}

export interface VcloudSimOptions {
  stateDir: string;
  pki: Pick<TestPki, 'key' | 'cert'>;
  /** `user@org` -> password */
  users: Record<string, string>;
  onPower?: PowerHook;
}

export interface VcloudSim {
  url: string;
  state: SimState<State>;
  requests: string[];
  addVm(o: { name: string; vapp: string; org: string; address?: string; template?: boolean }): SimVcdVm;
  vm(name: string): SimVcdVm | undefined;
  /** Puts VM `name` (not a template's) in a status code, as vSphere and Cloud Director would. */
  patchVm(name: string, patch: Pick<SimVcdVm, 'status'>): SimVcdVm;
  close(): Promise<void>;
}

const error = (status: number, minor: string, message: string): SimResponse => ({ status, body: { majorErrorCode: status, minorErrorCode: minor, message, stackTrace: null } });

export async function startVcloudSim(o: VcloudSimOptions): Promise<VcloudSim> {
  const state = new SimState<State>(o.stateDir, () => ({ vms: [], tasks: [], sessions: {} }));
  state.update(() => undefined);
  const power = new PowerOps(o.onPower);
  let base = '';
  const setVm = (id: string, fn: (v: SimVcdVm) => void) => state.update((s) => fn(s.vms.find((v) => v.id === id)!));
  const setTask = (id: string, fn: (t: Task) => void) => state.update((s) => fn(s.tasks.find((t) => t.id === id)!));

  const taskBody = (t: Task) => ({
    href: `${base}/api/task/${t.id}`,
    id: `urn:vcloud:task:${t.id}`,
    type: 'application/vnd.vmware.vcloud.task+json',
    operationName: t.operationName,
    status: shownStatus(t),
    owner: { href: `${base}/api/vApp/vm-${t.owner}`, type: 'application/vnd.vmware.vcloud.vm+json' },
    ...(t.error && shownStatus(t) === 'error' ? { error: t.error } : {}),
  });

  /** A new task: `queued` for `queued-ms`; with fault NAME.task-ends (error, aborted, canceled) it ends so after `task-delay-ms`, its work undone. */
  function newTask(vm: SimVcdVm, operationName: string): Task {
    const now = Date.now();
    const t: Task = { id: randomUUID(), operationName, status: 'running', owner: vm.id, queuedUntil: now + state.delayMs('queued-ms', 0) };
    const outcome = state.fault(`${vm.name}.task-ends`)?.trim();
    if (outcome) {
      t.outcome = outcome;
      t.endsAt = t.queuedUntil! + state.delayMs('task-delay-ms', 300);
      if (outcome === 'error') t.error = { majorErrorCode: 500, minorErrorCode: 'INTERNAL_SERVER_ERROR', message: `The operation ${operationName} failed.` };
    }
    state.update((s) => void s.tasks.push(t));
    return t;
  }

  /** The task's work is done: it ends now, or shows postRunning for `post-running-ms` first. */
  const finish = (id: string, e?: unknown) =>
    setTask(id, (x) => {
      const post = state.delayMs('post-running-ms', 0);
      x.status = e ? 'error' : post > 0 ? 'postRunning' : 'success';
      if (post > 0) x.endsAt = Date.now() + post;
    });

  /** The task as it stands now (one that ended at once shows its outcome). */
  const wait = (t: Task) => Math.max(0, (t.queuedUntil ?? 0) - Date.now());
  const accepted = (t: Task): SimResponse => ({ status: 202, headers: { location: `${base}/api/task/${t.id}` }, body: taskBody(state.read().tasks.find((x) => x.id === t.id) ?? t) });

  function powerAction(vm: SimVcdVm, action: string): SimResponse {
    const on = vm.status === VM_STATUS.POWERED_ON;
    const delay = state.delayMs('task-delay-ms', 300);
    switch (action) {
      case 'powerOn': {
        if (on) return error(400, 'BAD_REQUEST', `The requested operation could not be executed since VM "${vm.name}" is not powered off.`);
        const t = newTask(vm, 'vappPowerOn');
        if (t.outcome) return accepted(t);
        power.background(vm.id, vm, true, wait(t) + delay, () => setVm(vm.id, (v) => ((v.status = VM_STATUS.POWERED_ON), v.boot++)), { done: (e) => finish(t.id, e) });
        return accepted(t);
      }
      case 'powerOff': {
        if (!on) return error(400, 'BAD_REQUEST', `The requested operation could not be executed since VM "${vm.name}" is not powered on.`);
        const t = newTask(vm, 'vappPowerOff');
        if (t.outcome) return accepted(t);
        power.background(vm.id, vm, false, wait(t) + delay, () => setVm(vm.id, (v) => (v.status = VM_STATUS.POWERED_OFF)), { done: (e) => finish(t.id, e) });
        return accepted(t);
      }
      case 'shutdown': {
        if (!on) return error(400, 'BAD_REQUEST', `The requested operation could not be executed since VM "${vm.name}" is not powered on.`);
        const t = newTask(vm, 'vappShutdownGuest');
        if (t.outcome) return accepted(t);
        if (state.fault(`${vm.name}.no-tools`) !== undefined) {
          setTask(t.id, (x) => ((x.status = 'error'), (x.error = { majorErrorCode: 500, minorErrorCode: 'INTERNAL_SERVER_ERROR', message: `Cannot complete operation because VMware Tools is not running in this virtual machine.` })));
          return accepted(t);
        }
        // The task ends when the guest was asked; the guest powers off later, or never when it ignores the request.
        finish(t.id);
        if (state.fault(`${vm.name}.ignore-shutdown`) === undefined) {
          const boot = vm.boot;
          power.background(vm.id, vm, false, state.delayMs('shutdown-delay-ms', 300), () => setVm(vm.id, (v) => v.boot === boot && (v.status = VM_STATUS.POWERED_OFF)), { busy: false });
        }
        return accepted(t);
      }
      default:
        return error(404, 'RESOURCE_NOT_FOUND', `No resource found for power/action/${action}`);
    }
  }

  function vmBody(v: SimVcdVm) {
    return {
      href: `${base}/api/vApp/vm-${v.id}`,
      id: `urn:vcloud:vm:${v.id}`,
      type: 'application/vnd.vmware.vcloud.vm+json',
      name: v.name,
      status: v.status,
      deployed: v.status === VM_STATUS.POWERED_ON,
      section: v.address ? [{ _type: 'NetworkConnectionSectionType', primaryNetworkConnectionIndex: 0, networkConnection: [{ network: 'routed', networkConnectionIndex: 0, ipAddress: v.address, isConnected: true, ipAddressAllocationMode: 'POOL' }] }] : [],
    };
  }

  /** `name==web1;containerName==app;isVAppTemplate==false` (FIQL: `;` is and). */
  function matches(filter: string | null, v: SimVcdVm): boolean {
    if (!filter) return true;
    return filter.split(';').every((c) => {
      const [k, val] = c.split('==');
      const field = k === 'name' ? v.name : k === 'containerName' ? v.vapp : k === 'isVAppTemplate' ? String(v.template === true) : undefined;
      return field !== undefined && field === val;
    });
  }

  async function handle(r: SimRequest): Promise<SimResponse> {
    // Every call names an API version Cloud Director speaks, or it answers 406 with the versions it does.
    const version = /version=([^;,\s]+)/.exec(String(r.headers.accept ?? ''))?.[1];
    if (!version || !SPOKEN.includes(version)) return error(406, 'NOT_ACCEPTABLE', NOT_ACCEPTABLE);
    if (r.path === '/cloudapi/1.0.0/sessions' && r.method === 'POST') {
      const cred = basicAuth(r.headers);
      if (!cred || o.users[cred[0]] !== cred[1]) return { status: 401, body: { minorErrorCode: 'UNAUTHORIZED', message: 'Invalid credentials', stackTrace: null } };
      const token = `eyJ${randomBytes(24).toString('base64url')}`;
      const org = cred[0].split('@')[1] ?? 'System';
      state.update((s) => void (s.sessions[token] = { org, expiresAt: Date.now() + state.delayMs('session-ttl-ms', 30 * 60_000) }));
      return {
        status: 200,
        headers: { 'x-vmware-vcloud-access-token': token, 'x-vmware-vcloud-token-type': 'Bearer' },
        body: { id: `urn:vcloud:session:${randomUUID()}`, user: { name: cred[0].split('@')[0] }, org: { name: org }, sessionIdleTimeoutMinutes: 30 },
      };
    }
    const bearer = /^Bearer\s+(\S+)$/.exec(String(r.headers.authorization ?? ''))?.[1];
    const session = bearer ? state.read().sessions[bearer] : undefined;
    if (!session || session.expiresAt <= Date.now()) return { status: 401, body: { minorErrorCode: 'UNAUTHORIZED', message: 'This operation is denied.', stackTrace: null } };
    if (r.path === '/cloudapi/1.0.0/sessions/current' && r.method === 'DELETE') {
      state.update((s) => void delete s.sessions[bearer!]);
      return { status: 204 };
    }
    const vms = state.read().vms.filter((v) => v.org === session.org);
    if (r.path === '/api/query' && r.method === 'GET') {
      if (r.query.get('type') !== 'vm') return error(400, 'BAD_REQUEST', `Unsupported query type: ${r.query.get('type')}`);
      const hits = vms.filter((v) => matches(r.query.get('filter'), v));
      return { status: 200, body: { total: hits.length, record: hits.map((v) => ({ _type: 'QueryResultVMRecordType', name: v.name, containerName: v.vapp, href: `${base}/api/vApp/vm-${v.id}`, status: statusName(v.status), isVAppTemplate: v.template === true })) } };
    }
    const t = /^\/api\/task\/([^/]+)$/.exec(r.path);
    if (t && r.method === 'GET') {
      const task = state.read().tasks.find((x) => x.id === t[1]);
      return task ? { status: 200, body: taskBody(task) } : error(403, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN', `Either you need some or all of the following rights [Task: View] to perform operations [TaskView] for ${t[1]} or the target entity is invalid.`);
    }
    const m = /^\/api\/vApp\/vm-([^/]+)(?:\/power\/action\/([A-Za-z]+))?$/.exec(r.path);
    const vm = m ? vms.find((v) => v.id === m[1]) : undefined;
    // vCD answers 403, not 404, for an entity that does not exist (or is not yours): it does not tell which.
    if (!m || !vm) return error(403, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN', `Either you need some or all of the following rights [vApp: View] to perform operations [VmView] for vm-${m?.[1] ?? '?'} or the target entity is invalid.`);
    if (!m[2] && r.method === 'GET') return { status: 200, body: vmBody(vm) };
    if (!m[2] || r.method !== 'POST') return error(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
    if (state.fault(`${vm.name}.denied`) !== undefined) return error(403, 'ACCESS_TO_RESOURCE_IS_FORBIDDEN', `Either you need some or all of the following rights [vApp: Power Operations] to perform operations [VappPowerOn] for vm-${vm.id} or the target entity is invalid.`);
    if (state.fault(`${vm.name}.busy`) !== undefined || power.isBusy(vm.id)) return error(400, 'BUSY_ENTITY', `The entity ${vm.name} (vm-${vm.id}) is busy completing an operation.`);
    return powerAction(vm, m[2]);
  }

  const server = await startJsonServer({ ...o.pki, handler: handle });
  base = server.url;
  return {
    url: server.url,
    state,
    requests: server.requests,
    addVm: (v) =>
      state.update((s) => {
        const vm: SimVcdVm = { id: randomUUID(), name: v.name, vapp: v.vapp, org: v.org, status: VM_STATUS.POWERED_OFF, boot: 0, ...(v.address ? { address: v.address } : {}), ...(v.template ? { template: true } : {}) };
        s.vms.push(vm);
        return vm;
      }),
    vm: (name) => state.read().vms.find((v) => v.name === name),
    patchVm: (name, patch) =>
      state.update((s) => {
        const vm = s.vms.find((v) => v.name === name && !v.template);
        if (!vm) throw new Error(`no VM ${name}`);
        return Object.assign(vm, patch);
      }),
    async close() {
      await server.close();
      await power.settle();
    },
  };
}
