// An OpenStack cloud for what the openstack driver calls: Keystone v3
// tokens and Nova's servers (compute API v2.1): list by name (a regular
// expression, as Nova filters), show with status, vm_state, task_state and
// addresses, and the os-start / os-stop actions, accepted with 202 and
// carried out later, as Nova's compute service does. The status is
// printed from corpus/state-map.json (nova's own vm_state/task_state map),
// so every state Nova can print is one `patchServer` away.
import { PowerOps, SimState, startJsonServer, type PowerHook, type SimRequest, type SimResponse, type TestPki } from '@capsule/sim-https';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { authenticate, tokenBody, unauthorized, type Accounts } from './keystone.js';

export interface SimServer {
  id: string;
  name: string;
  project: string;
  /** Nova's vm_state: active, stopped, paused, shelved_offloaded... (corpus/state-map.json). */
  vm_state: string;
  /** Nova's task_state: powering-on, rebooting... (corpus/task-states.txt), null when none runs. */
  task_state: string | null;
  /** A status word printed as is instead of the map's: what a newer Nova may print. */
  status?: string;
  address?: string;
  network: string;
  boot: number;
}

interface State {
  servers: SimServer[];
  tokens: Record<string, { project: string; expiresAt: number }>;
}

export interface OpenstackSimOptions extends Accounts {
  stateDir: string;
  pki: Pick<TestPki, 'key' | 'cert'>;
  onPower?: PowerHook;
}

export interface OpenstackSim {
  /** Keystone's v3 URL: https://127.0.0.1:PORT/identity/v3 */
  authUrl: string;
  url: string;
  state: SimState<State>;
  requests: string[];
  addServer(o: { name: string; project: string; address?: string; network?: string }): SimServer;
  server(name: string): SimServer | undefined;
  /** Puts server `name` in a state, as Nova's compute service would: its vm_state, task_state (and a raw status word). */
  patchServer(name: string, patch: Partial<Pick<SimServer, 'vm_state' | 'task_state' | 'status'>>): SimServer;
  close(): Promise<void>;
}

/** nova/api/openstack/common.py `_STATE_MAP`: vm_state -> task_state (or `default`) -> status. */
export const STATE_MAP = JSON.parse(readFileSync(new URL('../corpus/state-map.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;

/** `status_from_state`: the task's status, else the vm_state's default, else UNKNOWN. */
export function statusFromState(vmState: string, taskState: string | null): string {
  const row = STATE_MAP[vmState];
  return (taskState !== null ? row?.[taskState] : undefined) ?? row?.['default'] ?? 'UNKNOWN';
}

/** Nova's power_state (api-ref: 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 7 SUSPENDED) as a hypervisor reports it for each vm_state. */
const POWER: Record<string, number> = { active: 1, rescued: 1, resized: 1, paused: 3, stopped: 4, shelved: 4, 'soft-delete': 4, suspended: 7 };

/** nova/api/openstack/common.py: the 409 of an action refused by the server's state. */
const refused = (action: string, id: string, attr: string, state: string) => `Cannot '${action}' instance ${id} while it is in ${attr} ${state}`;

export async function startOpenstackSim(o: OpenstackSimOptions): Promise<OpenstackSim> {
  const state = new SimState<State>(o.stateDir, () => ({ servers: [], tokens: {} }));
  state.update(() => undefined);
  const power = new PowerOps(o.onPower);
  let base = '';
  const setServer = (id: string, fn: (s: SimServer) => void) => state.update((st) => fn(st.servers.find((s) => s.id === id)!));

  function show(s: SimServer) {
    return {
      id: s.id,
      name: s.name,
      status: s.status ?? statusFromState(s.vm_state, s.task_state),
      tenant_id: s.project,
      'OS-EXT-STS:vm_state': s.vm_state,
      'OS-EXT-STS:task_state': s.task_state,
      'OS-EXT-STS:power_state': POWER[s.vm_state] ?? 0,
      addresses: s.address ? { [s.network]: [{ addr: s.address, version: 4, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' }] } : {},
      links: [{ rel: 'self', href: `${base}/compute/v2.1/servers/${s.id}` }],
    };
  }

  const conflict = (message: string): SimResponse => ({ status: 409, body: { conflictingRequest: { code: 409, message } } });

  function action(s: SimServer, body: unknown): SimResponse {
    const name = body && typeof body === 'object' ? Object.keys(body)[0] : undefined;
    if (name !== 'os-start' && name !== 'os-stop') return { status: 400, body: { badRequest: { code: 400, message: `There is no such action: ${String(name)}` } } };
    const verb = name === 'os-start' ? 'start' : 'stop';
    if (state.fault(`${s.name}.denied`) !== undefined) return { status: 403, body: { forbidden: { code: 403, message: `Policy doesn't allow os_compute_api:servers:${verb} to be performed.` } } };
    if (state.fault(`${s.name}.busy`) !== undefined) return conflict(refused(verb, s.id, 'task_state', 'migrating'));
    // nova/compute/api.py check_instance_state: the vm_state first, then no task may run.
    if (verb === 'start' && s.vm_state !== 'stopped') return conflict(refused(verb, s.id, 'vm_state', s.vm_state));
    if (verb === 'stop' && s.vm_state !== 'active' && s.vm_state !== 'error') return conflict(refused(verb, s.id, 'vm_state', s.vm_state));
    if (s.task_state) return conflict(refused(verb, s.id, 'task_state', s.task_state));
    if (verb === 'start') {
      setServer(s.id, (x) => (x.task_state = 'powering-on'));
      power.background(s.id, s, true, state.delayMs('start-delay-ms', 300), () => setServer(s.id, (x) => ((x.vm_state = 'active'), (x.task_state = null), x.boot++)));
    } else {
      // A clean shutdown: the guest gets the ACPI request; one that ignores it is powered off after Nova's shutdown_timeout.
      const ignores = state.fault(`${s.name}.ignore-shutdown`) !== undefined;
      const delay = ignores ? state.delayMs('shutdown-timeout-ms', 60_000) : state.delayMs('stop-delay-ms', 300);
      setServer(s.id, (x) => (x.task_state = 'powering-off'));
      power.background(s.id, s, false, delay, () => setServer(s.id, (x) => ((x.vm_state = 'stopped'), (x.task_state = null))));
    }
    return { status: 202 };
  }

  async function handle(r: SimRequest): Promise<SimResponse> {
    if (r.path === '/identity/v3/auth/tokens' && r.method === 'POST') {
      const who = authenticate(o, r.body);
      if ('status' in who) return who;
      const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
      const expiresAt = Date.now() + state.delayMs('token-ttl-ms', 3600_000);
      state.update((s) => void (s.tokens[token] = { project: who.project, expiresAt }));
      return { status: 201, headers: { 'x-subject-token': token }, body: tokenBody({ ...who, expiresAt, computeUrl: `${base}/compute/v2.1`, identityUrl: `${base}/identity/v3` }) };
    }
    const m = /^\/(?:internal-)?compute\/v2\.1(\/.*)$/.exec(r.path);
    if (!m) return { status: 404, body: { itemNotFound: { code: 404, message: 'The resource could not be found.' } } };
    const token = state.read().tokens[String(r.headers['x-auth-token'])];
    if (!token || token.expiresAt <= Date.now()) return unauthorized();
    const mine = state.read().servers.filter((s) => s.project === token.project);
    const path = m[1]!;
    if (path === '/servers' && r.method === 'GET') {
      // Nova matches `name` as a regular expression anywhere in the name.
      const name = r.query.get('name');
      const re = name === null ? undefined : new RegExp(name);
      return { status: 200, body: { servers: mine.filter((s) => !re || re.test(s.name)).map((s) => ({ id: s.id, name: s.name, links: show(s).links })) } };
    }
    const sm = /^\/servers\/([^/]+)(\/action)?$/.exec(path);
    const s = sm ? mine.find((x) => x.id === sm[1]) : undefined;
    if (!sm || !s) return { status: 404, body: { itemNotFound: { code: 404, message: `Instance ${sm?.[1] ?? path} could not be found.` } } };
    if (!sm[2] && r.method === 'GET') return { status: 200, body: { server: show(s) } };
    if (sm[2] && r.method === 'POST') return action(s, r.body);
    return { status: 405, body: { badRequest: { code: 405, message: 'Method not allowed' } } };
  }

  const server = await startJsonServer({ ...o.pki, handler: handle });
  base = server.url;
  return {
    authUrl: `${server.url}/identity/v3`,
    url: server.url,
    state,
    requests: server.requests,
    addServer: (v) =>
      state.update((st) => {
        const s: SimServer = { id: randomUUID(), name: v.name, project: v.project, vm_state: 'stopped', task_state: null, network: v.network ?? 'private', boot: 0, ...(v.address ? { address: v.address } : {}) };
        st.servers.push(s);
        return s;
      }),
    server: (name) => state.read().servers.find((s) => s.name === name),
    patchServer: (name, patch) =>
      state.update((st) => {
        const s = st.servers.find((x) => x.name === name);
        if (!s) throw new Error(`no server ${name}`);
        return Object.assign(s, patch);
      }),
    async close() {
      await server.close();
      await power.settle();
    },
  };
}
