// Keystone v3 token issue (POST /v3/auth/tokens) as the simulator answers
// it: password (user name and domain, or user id) and application
// credential methods, a project scope, the token in X-Subject-Token and
// the service catalog in the body.
import type { SimResponse } from '@capsule/sim-https';

export interface Accounts {
  /** Users: name, domain name, password; project they may scope to. */
  users: { name: string; domain: string; password: string; project: string }[];
  /** Application credentials: id -> secret (scoped to their own project). */
  appCredentials?: Record<string, { secret: string; project: string }>;
}

interface AuthBody {
  auth?: {
    identity?: {
      methods?: string[];
      password?: { user?: { name?: string; id?: string; password?: string; domain?: { name?: string; id?: string } } };
      application_credential?: { id?: string; secret?: string };
    };
    scope?: { project?: { name?: string; id?: string; domain?: { name?: string; id?: string } } };
  };
}

export const unauthorized = (message = 'The request you have made requires authentication.'): SimResponse => ({ status: 401, body: { error: { code: 401, message, title: 'Unauthorized' } } });

/** Who the body authenticates, and the project: undefined when refused. */
export function authenticate(a: Accounts, body: unknown): { user: string; project: string; methods: string[] } | SimResponse {
  const auth = (body as AuthBody | undefined)?.auth;
  const methods = auth?.identity?.methods ?? [];
  if (methods.includes('application_credential')) {
    const c = auth?.identity?.application_credential;
    const known = c?.id ? a.appCredentials?.[c.id] : undefined;
    if (!known || known.secret !== c?.secret) return unauthorized();
    // An application credential carries its own scope: a scope in the request is an error (400).
    if (auth?.scope) return { status: 400, body: { error: { code: 400, message: 'Application credentials cannot request a scope.', title: 'Bad Request' } } };
    return { user: `appcred-${c!.id}`, project: known.project, methods };
  }
  if (!methods.includes('password')) return { status: 400, body: { error: { code: 400, message: 'Expecting to find identity in auth.', title: 'Bad Request' } } };
  const u = auth?.identity?.password?.user;
  const user = a.users.find((x) => x.name === u?.name && x.domain === (u?.domain?.name ?? u?.domain?.id));
  if (!user || user.password !== u?.password) return unauthorized();
  const p = auth?.scope?.project;
  if (!p || (p.name ?? p.id) !== user.project) return unauthorized(`User ${user.name} has no access to project ${p?.name ?? p?.id ?? '(none)'}`);
  return { user: user.name, project: user.project, methods };
}

export function tokenBody(o: { user: string; project: string; methods: string[]; expiresAt: number; computeUrl: string; identityUrl: string }) {
  return {
    token: {
      methods: o.methods,
      issued_at: new Date().toISOString(),
      expires_at: new Date(o.expiresAt).toISOString(),
      user: { id: o.user, name: o.user, domain: { id: 'default', name: 'Default' } },
      project: { id: o.project, name: o.project, domain: { id: 'default', name: 'Default' } },
      catalog: [
        { type: 'identity', name: 'keystone', id: 'svc-identity', endpoints: [{ id: 'ep-1', interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: o.identityUrl }] },
        {
          type: 'compute',
          name: 'nova',
          id: 'svc-compute',
          endpoints: [
            { id: 'ep-2', interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: o.computeUrl },
            { id: 'ep-3', interface: 'internal', region: 'RegionOne', region_id: 'RegionOne', url: `${o.computeUrl.replace('/compute/', '/internal-compute/')}` },
          ],
        },
      ],
    },
  };
}
