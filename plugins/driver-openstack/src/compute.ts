// Nova through a Keystone v3 token: a token is asked once (POST
// /v3/auth/tokens, answered in X-Subject-Token) and kept, across commands,
// until its expires_at; the compute endpoint comes from the token's service
// catalog. node.conf `[driver.openstack]`: url (Keystone v3), credentials_file,
// ca_file, region, interface, timeout.
import { CapsuleError, ErrorCode, type Clock, type DriverSettings } from '@capsule/core';
import { endpointClient, TokenCache, type RestClient, type RestResponse } from '@capsule/driver-kit';
import { parseOpenrc, tokenRequest } from './credentials.js';

interface CatalogEntry {
  type: string;
  endpoints: { interface: string; region?: string; region_id?: string; url: string }[];
}

/** A token this close to its expiry is renewed first: a call must not outlive it. */
const EXPIRY_MARGIN_MS = 30_000;

export class ComputeSession {
  private token?: { id: string; expiresAt: number };
  private compute?: RestClient;
  private cache?: TokenCache;

  /** `stateDir` keeps the token for the next commands ($CAPSULE_ROOT/var/lib/capsule/driver.openstack). */
  constructor(
    private readonly rid: string,
    private readonly settings: DriverSettings,
    private readonly stateDir: string,
  ) {}

  private client(baseUrl: string): Promise<RestClient> {
    return endpointClient(this.settings, { rid: this.rid, type: 'openstack', baseUrl, example: 'https://KEYSTONE:5000/v3' });
  }

  /** A token: kept from an earlier command until near its expires_at (by `clock`), else asked of Keystone. */
  private async authenticate(clock: Clock): Promise<void> {
    const file = this.settings.values['credentials_file'] ?? '';
    const creds = parseOpenrc(await this.settings.secret('credentials_file'), file);
    // OS_AUTH_URL of the openrc serves when node.conf has no url.
    const url = this.settings.values['url'] || creds.authUrl || '';
    const a = creds.auth;
    const who = a.kind === 'password' ? `user ${a.username} in project ${a.project}` : `application credential ${a.id}`;
    // The kept compute endpoint depends on the interface and region chosen, so they are part of the key.
    this.cache ??= new TokenCache(this.stateDir, url, [who, a.kind === 'password' ? `${a.userDomain}/${a.projectDomain}` : '', this.settings.values['interface'] ?? 'public', this.settings.values['region'] ?? ''].join('|'));
    const kept = await this.cache.get(clock.now(), EXPIRY_MARGIN_MS);
    if (kept?.data['compute']) {
      this.compute = await this.client(kept.data['compute']);
      this.token = { id: kept.token, expiresAt: kept.expiresAt };
      return;
    }
    const keystone = await this.client(url);
    const r = await keystone.request('POST', 'auth/tokens', { body: tokenRequest(a) });
    if (r.status === 401) {
      throw new CapsuleError(ErrorCode.EndpointAuthFailed, `${this.rid}: Keystone refused ${who}: ${this.words(r)}`, { hint: `check ${file} ([driver.openstack] credentials_file)` });
    }
    const id = r.headers['x-subject-token'];
    const body = r.json as { token?: { expires_at?: string; catalog?: CatalogEntry[] } } | undefined;
    if (r.status !== 201 || typeof id !== 'string' || !body?.token) throw this.error('POST auth/tokens', r);
    const compute = this.computeUrl(body.token.catalog ?? []);
    this.compute = await this.client(compute);
    this.token = { id, expiresAt: Date.parse(body.token.expires_at ?? '') || clock.now() + 3600_000 };
    await this.cache.set(id, this.token.expiresAt, { compute });
  }

  /** The compute endpoint of the catalog for `[driver.openstack] interface` (public) and `region`. */
  private computeUrl(catalog: CatalogEntry[]): string {
    const iface = this.settings.values['interface'] ?? 'public';
    const region = this.settings.values['region'];
    const ep = catalog
      .find((c) => c.type === 'compute')
      ?.endpoints.find((e) => e.interface === iface && (!region || e.region === region || e.region_id === region));
    if (!ep) {
      throw new CapsuleError(ErrorCode.EndpointError, `${this.rid}: the service catalog has no ${iface} compute endpoint${region ? ` in region ${region}` : ''}`, { hint: 'check interface and region in [driver.openstack] of node.conf (openstack catalog list)' });
    }
    return ep.url;
  }

  /**
   * One call to Nova with a valid token; a 401 (token revoked) gets a new
   * token once. Whether a token is near its expiry is read on the action's
   * clock, as every time in an action is.
   */
  async call(clock: Clock, method: string, path: string, body?: unknown): Promise<RestResponse> {
    for (let attempt = 0; ; attempt++) {
      if (!this.token || !this.compute || this.token.expiresAt - EXPIRY_MARGIN_MS <= clock.now()) await this.authenticate(clock);
      const r = await this.compute!.request(method, path, { headers: { 'x-auth-token': this.token!.id }, ...(body === undefined ? {} : { body }) });
      if (r.status !== 401 || attempt > 0) return r;
      this.token = undefined;
      await this.cache?.clear();
    }
  }

  /** Nova's own words: `{"conflictingRequest": {"message": ...}}`, `{"error": {...}}`. */
  words(r: RestResponse): string {
    const inner = r.json && typeof r.json === 'object' ? (Object.values(r.json)[0] as { message?: string } | undefined) : undefined;
    return inner?.message ?? (r.text.slice(0, 200) || `HTTP ${r.status}`);
  }

  error(what: string, r: RestResponse): CapsuleError {
    return new CapsuleError(ErrorCode.EndpointError, `${this.rid}: ${what} answered ${r.status}: ${this.words(r)}`, { hint: 'see openstack server event list', details: { rid: this.rid, status: r.status } });
  }
}
