// The OpenStack credentials file named by `[driver.openstack]
// credentials_file`: KEY=VALUE lines as an openrc file has them
// (`export OS_USERNAME=...`), the OS_ prefix and case optional. Either a
// user (username, password, user_domain_name, project_name,
// project_domain_name) or an application credential (id and secret).
import { CapsuleError, ErrorCode } from '@capsule/core';

export type OpenstackAuth =
  | { kind: 'password'; username: string; password: string; userDomain: string; project: string; projectDomain: string }
  | { kind: 'application_credential'; id: string; secret: string };

export interface OpenstackCredentials {
  auth: OpenstackAuth;
  /** OS_AUTH_URL, used when node.conf has no url. */
  authUrl?: string;
}

export function parseOpenrc(text: string, file: string): OpenstackCredentials {
  const v = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*(?:export\s+)?(?:OS_)?([A-Za-z_]+)\s*=\s*(.*?)\s*$/i.exec(raw);
    if (!m || raw.trimStart().startsWith('#')) continue;
    // Quotes as a shell would strip them.
    v.set(m[1]!.toLowerCase(), m[2]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  const authUrl = v.get('auth_url');
  const id = v.get('application_credential_id');
  const secret = v.get('application_credential_secret');
  if (id && secret) return { auth: { kind: 'application_credential', id, secret }, ...(authUrl ? { authUrl } : {}) };
  const username = v.get('username');
  const password = v.get('password');
  const project = v.get('project_name') ?? v.get('tenant_name');
  if (!username || password === undefined || !project) {
    throw new CapsuleError(ErrorCode.NodeConfigInvalid, `${file}: neither an application credential (OS_APPLICATION_CREDENTIAL_ID and _SECRET) nor a user (OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME)`, {
      hint: 'write the OS_* lines of an openrc file (export OS_USERNAME=... ) into it, mode 0600',
    });
  }
  const domain = v.get('domain_name') ?? 'Default';
  return {
    auth: { kind: 'password', username, password, userDomain: v.get('user_domain_name') ?? domain, project, projectDomain: v.get('project_domain_name') ?? domain },
    ...(authUrl ? { authUrl } : {}),
  };
}

/** The body of POST /v3/auth/tokens. */
export function tokenRequest(a: OpenstackAuth): unknown {
  if (a.kind === 'application_credential') {
    return { auth: { identity: { methods: ['application_credential'], application_credential: { id: a.id, secret: a.secret } } } };
  }
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: a.username, domain: { name: a.userDomain }, password: a.password } } },
      scope: { project: { name: a.project, domain: { name: a.projectDomain } } },
    },
  };
}
