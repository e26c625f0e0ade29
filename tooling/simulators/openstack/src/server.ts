// An OpenStack cloud for what the openstack driver calls: Keystone v3
// tokens and Nova's servers (compute API v2.1): list by name (a regular
// expression, as Nova filters), show with status, vm_state, task_state and
// addresses, and the os-start / os-stop actions, accepted with 202 and
// carried out later, as Nova's compute service does.
import { PowerOps, SimState, startJsonServer, type PowerHook, type SimRequest, type SimResponse, type TestPki } from '@capsule/sim-https';
import { randomBytes, randomUUID } from 'node:crypto';
import { authenticate, tokenBody, unauthorized, type Accounts } from './keystone.js';

export interface SimServer {
  id: string;
  name: string;
  project: string;
  /** Nova's vm_state: active, stopped... */
  vm_state: 'active' | 'stopped' | 'error';
  task_state: 'powering-on' | 'powering-off' | null;
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
  close(): Promise<void>;
}

const STATUS: Record<SimServer['vm_state'], string> = { active: 'ACTIVE', stopped: 'SHUTOFF', error: 'ERROR' };
/** Nova's power_state numbers: 1 RUNNING, 4 SHUTDOWN. */
const POWER: Record<SimServer['vm_state'], number> = { active: 1, stopped: 4, error: 0 };

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
      status: STATUS[s.vm_state],
      tenant_id: s.project,
      'OS-EXT-STS:vm_state': s.vm_state,
      'OS-EXT-STS:task_state': s.task_state,
      'OS-EXT-STS:power_state': POWER[s.vm_state],
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
    if (state.fault(`${s.name}.busy`) !== undefined) return conflict(`Cannot '${name}' instance ${s.id} while it is in task_state migrating`);
    if (s.task_state) return conflict(`Cannot '${name}' instance ${s.id} while it is in task_state ${s.task_state}`);
    if (verb === 'start' && s.vm_state !== 'stopped') return conflict(`Instance ${s.id} in vm_state ${s.vm_state}. Cannot start while the instance is in this state.`);
    if (verb === 'stop' && s.vm_state !== 'active' && s.vm_state !== 'error') return conflict(`Instance ${s.id} in vm_state ${s.vm_state}. Cannot stop while the instance is in this state.`);
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
    async close() {
      await server.close();
      await power.settle();
    },
  };
}
