// A vCenter session for one resource: basic auth once (POST /api/session),
// the session id in `vmware-api-session-id` afterwards, a new session when
// vCenter says the old one expired. Endpoint and credentials come from
// node.conf `[driver.esx]`: url, credentials_file (mode 0600), ca_file.
import { CapsuleError, ErrorCode, type DriverSettings } from '@capsule/core';
import { endpointClient, TokenCache, type RestClient, type RestResponse } from '@capsule/driver-kit';

/** `username=` and `password=` lines of the credentials file (`user` and `#` comments too). */
export function parseCredentials(text: string, file: string): { username: string; password: string } {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) kv.set(m[1]!.toLowerCase(), m[2]!);
  }
  const username = kv.get('username') ?? kv.get('user');
  const password = kv.get('password');
  if (!username || password === undefined) {
    throw new CapsuleError(ErrorCode.NodeConfigInvalid, `${file}: the vCenter credentials need a username= and a password= line`, { hint: 'write them one a line, as username=administrator@vsphere.local and password=...' });
  }
  return { username, password };
}

/** vCenter ends a session after 30 idle minutes by default; a kept one is used for 20 at most. */
const SESSION_KEEP_MS = 20 * 60_000;

export class VcenterSession {
  private client?: RestClient;
  private session?: string;
  private cache?: TokenCache;

  /** `stateDir` keeps the session for the next commands ($CAPSULE_ROOT/var/lib/capsule/driver.esx). */
  constructor(
    private readonly rid: string,
    private readonly settings: DriverSettings,
    private readonly stateDir: string,
  ) {}

  private async rest(): Promise<RestClient> {
    this.client ??= await endpointClient(this.settings, { rid: this.rid, type: 'esx', example: 'https://VCENTER' });
    return this.client;
  }

  /** The session: this command's, one kept from an earlier command, or a new login. */
  private async current(): Promise<string> {
    if (this.session) return this.session;
    // The credentials file is read (and its mode checked) even when a kept session will do.
    const { username, password } = parseCredentials(await this.settings.secret('credentials_file'), this.settings.values['credentials_file'] ?? '');
    this.cache ??= new TokenCache(this.stateDir, this.settings.values['url'] ?? '', username);
    const kept = await this.cache.get(Date.now());
    this.session = kept?.token ?? (await this.login(username, password));
    return this.session;
  }

  private async login(username: string, password: string): Promise<string> {
    const rest = await this.rest();
    const r = await rest.request('POST', '/api/session', { headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
    if (r.status === 401 || r.status === 403) {
      throw new CapsuleError(ErrorCode.EndpointAuthFailed, `${this.rid}: vCenter refused the login of ${username} (HTTP ${r.status})`, { hint: `check ${this.settings.values['credentials_file']} ([driver.esx] credentials_file)` });
    }
    if (r.status !== 201 && r.status !== 200) throw this.error('POST /api/session', r);
    const session = String(r.json);
    await this.cache?.set(session, Date.now() + SESSION_KEEP_MS);
    return session;
  }

  /** One call, logged in; a 401 (the session expired) logs in again once. */
  async call(method: string, path: string, body?: unknown): Promise<RestResponse> {
    const rest = await this.rest();
    for (let attempt = 0; ; attempt++) {
      const session = await this.current();
      const r = await rest.request(method, path, { headers: { 'vmware-api-session-id': session }, ...(body === undefined ? {} : { body }) });
      if (r.status !== 401 || attempt > 0) return r;
      this.session = undefined;
      await this.cache?.clear();
    }
  }

  /** A vCenter answer the driver did not expect, with vCenter's own words. */
  error(what: string, r: RestResponse): CapsuleError {
    const e = r.json as { error_type?: string; messages?: { default_message?: string }[] } | undefined;
    const words = [e?.error_type, e?.messages?.[0]?.default_message].filter(Boolean).join(': ') || r.text.slice(0, 200) || `HTTP ${r.status}`;
    return new CapsuleError(ErrorCode.EndpointError, `${this.rid}: ${what} answered ${r.status}: ${words}`, { hint: 'see the task in the vSphere client', details: { rid: this.rid, status: r.status, errorType: e?.error_type } });
  }
}

/** The `error_type` of a vSphere error answer. */
export const errorType = (r: RestResponse): string | undefined => (r.json as { error_type?: string } | undefined)?.error_type;
