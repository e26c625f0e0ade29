// A Cloud Director session, kept across commands: a tenant login
// (POST /cloudapi/1.0.0/sessions as user@org), the bearer token of
// X-VMWARE-VCLOUD-ACCESS-TOKEN afterwards, every call naming the API
// version in Accept; tasks followed until they end. node.conf
// `[driver.vcloud]`: url, credentials_file, ca_file, api_version, timeout.
import { CapsuleError, ErrorCode, type ActionContext, type DriverSettings } from '@capsule/core';
import { endpointClient, TokenCache, waitFor, type RestClient, type RestResponse } from '@capsule/driver-kit';
import { taskOutcome, taskUnderWay, type TaskState } from './status.js';

/** `username=`, `password=` and `org=` lines (or `username=user@org`). */
export function parseLogin(text: string, file: string): { login: string; password: string } {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const user = kv.get('username') ?? kv.get('user');
  const org = kv.get('org');
  const password = kv.get('password');
  if (!user || password === undefined || (!org && !user.includes('@'))) {
    throw new CapsuleError(ErrorCode.NodeConfigInvalid, `${file}: the Cloud Director credentials need username=, org= and password= lines`, { hint: 'write them one a line: username=capsule, org=ACME, password=...' });
  }
  return { login: org ? `${user}@${org}` : user, password };
}

export class VcdSession {
  private client?: RestClient;
  private token?: string;
  private cache?: TokenCache;

  /** `stateDir` keeps the session for the next commands ($CAPSULE_ROOT/var/lib/capsule/driver.vcloud). */
  constructor(
    private readonly rid: string,
    private readonly settings: DriverSettings,
    private readonly stateDir: string,
  ) {}

  private get accept(): string {
    return `application/*+json;version=${this.settings.values['api_version'] ?? '36.0'}`;
  }

  private async rest(): Promise<RestClient> {
    this.client ??= await endpointClient(this.settings, { rid: this.rid, type: 'vcloud', example: 'https://VCD' });
    return this.client;
  }

  /** The token: this command's, one kept from an earlier command, or a new login. */
  private async current(): Promise<string> {
    if (this.token) return this.token;
    // The credentials file is read (and its mode checked) even when a kept session will do.
    const file = this.settings.values['credentials_file'] ?? '';
    const { login, password } = parseLogin(await this.settings.secret('credentials_file'), file);
    this.cache ??= new TokenCache(this.stateDir, this.settings.values['url'] ?? '', login);
    this.token = (await this.cache.get(Date.now()))?.token ?? (await this.login(login, password, file));
    return this.token;
  }

  private async login(login: string, password: string, file: string): Promise<string> {
    const rest = await this.rest();
    const r = await rest.request('POST', '/cloudapi/1.0.0/sessions', { headers: { accept: this.accept, authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` } });
    if (r.status === 401 || r.status === 403) {
      throw new CapsuleError(ErrorCode.EndpointAuthFailed, `${this.rid}: Cloud Director refused the login of ${login}: ${this.words(r)}`, { hint: `check ${file} ([driver.vcloud] credentials_file)` });
    }
    const token = r.headers['x-vmware-vcloud-access-token'];
    if (r.status !== 200 || typeof token !== 'string') throw this.error('POST /cloudapi/1.0.0/sessions', r);
    // Kept for two thirds of the idle timeout the session announces (30 minutes by default).
    const idle = Number((r.json as { sessionIdleTimeoutMinutes?: number } | undefined)?.sessionIdleTimeoutMinutes) || 30;
    await this.cache?.set(token, Date.now() + (idle * 60_000 * 2) / 3);
    return token;
  }

  /** One call with the session's token; a 401 (session expired) logs in again once. */
  async call(method: string, path: string): Promise<RestResponse> {
    const rest = await this.rest();
    for (let attempt = 0; ; attempt++) {
      const token = await this.current();
      const r = await rest.request(method, path, { headers: { accept: this.accept, authorization: `Bearer ${token}` } });
      if (r.status !== 401 || attempt > 0) return r;
      this.token = undefined;
      await this.cache?.clear();
    }
  }

  /** Follows the task an action answered with until it ends; its error, if any, in its own words. */
  async task(ctx: Pick<ActionContext, 'clock' | 'signal'>, accepted: RestResponse, timeoutS: number): Promise<{ ok: true } | { ok: false; message: string }> {
    let task = accepted.json as TaskState & { href?: string };
    const path = task.href ? new URL(task.href).pathname : undefined;
    if (path && taskUnderWay(task.status)) {
      await waitFor(ctx, timeoutS, async () => {
        const r = await this.call('GET', path);
        if (r.status !== 200) throw this.error(`GET ${path}`, r);
        task = r.json as TaskState;
        return !taskUnderWay(task.status);
      }, 500);
    }
    return taskOutcome(task);
  }

  /** Cloud Director's words: `{minorErrorCode, message}`. */
  words(r: RestResponse): string {
    const e = r.json as { minorErrorCode?: string; message?: string } | undefined;
    return [e?.minorErrorCode, e?.message].filter(Boolean).join(': ') || r.text.slice(0, 200) || `HTTP ${r.status}`;
  }

  error(what: string, r: RestResponse): CapsuleError {
    // 406: Cloud Director does not speak the version asked for; its message lists those it does.
    const hint = r.status === 406 ? 'set [driver.vcloud] api_version to one of the versions Cloud Director lists' : 'see the VM’s tasks in the Cloud Director tenant portal';
    return new CapsuleError(ErrorCode.EndpointError, `${this.rid}: ${what} answered ${r.status}: ${this.words(r)}`, { hint, details: { rid: this.rid, status: r.status } });
  }
}
