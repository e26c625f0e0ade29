// The driver manifest: the "capsule" field of a driver package's package.json,
// read at start-up without importing any driver code. Checked by hand, not
// with zod: `nodemgr drivers` and driver discovery read every manifest and
// must not pay for loading zod (see docs/architecture.md).

// 2: guest channel, typed sections, capabilities, settings, migration (see docs/architecture.md).
export const API_VERSION = 2;

/**
 * Where the agent runs a driver: the platforms Node runs on. HP-UX and SPARC
 * hosts run no agent: their drivers are remote-managed (run anywhere, reach
 * the hypervisor host over ssh) and their guests agentless.
 */
export const PLATFORMS = ['linux', 'sunos', 'freebsd', 'darwin', 'win32', 'any'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** `container.lxc` (group.type) or `fs` (the default driver of a group). */
export const PROVIDE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)?$/;

export interface DriverCapabilities {
  /** The driver can move a running guest to a peer (`svcmgr migrate`). */
  liveMigrate?: boolean;
  /** How its guests are reached: a native command prefix or their sshd. */
  guestChannel?: 'native' | 'ssh';
  /** Its guests run no capsule agent: the hypervisor's agent runs their encap resources through the channel. */
  agentless?: boolean;
  /** Its tools run on a hypervisor host reached over ssh (`[driver.TYPE] host` in node.conf), not on this node. */
  remoteManaged?: boolean;
}

export interface DriverManifest {
  apiVersion: number;
  provides: string[];
  platforms: Platform[];
  /** Package subpath exporting the keyword specs, loadable without the driver code. */
  keywords?: string;
  capabilities?: DriverCapabilities;
}

export interface ManifestIssue {
  path: (string | number)[];
  message: string;
}

export type ManifestResult = { success: true; data: DriverManifest } | { success: false; error: { issues: ManifestIssue[] } };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function check(raw: unknown): ManifestIssue[] {
  if (!isObject(raw)) return [{ path: [], message: 'expected an object' }];
  const issues: ManifestIssue[] = [];
  const bad = (path: (string | number)[], message: string) => issues.push({ path, message });
  const { apiVersion, provides, platforms, keywords, capabilities } = raw;
  if (typeof apiVersion !== 'number' || !Number.isInteger(apiVersion) || apiVersion <= 0) bad(['apiVersion'], 'expected a positive integer');
  if (!Array.isArray(provides) || provides.length === 0) bad(['provides'], 'expected a non-empty list');
  else provides.forEach((p, i) => (typeof p !== 'string' || !PROVIDE_PATTERN.test(p)) && bad(['provides', i], 'expected group or group.type, like container.lxc'));
  if (!Array.isArray(platforms) || platforms.length === 0) bad(['platforms'], 'expected a non-empty list');
  else platforms.forEach((p, i) => !(PLATFORMS as readonly unknown[]).includes(p) && bad(['platforms', i], `expected one of ${PLATFORMS.join(', ')}`));
  if (keywords !== undefined && (typeof keywords !== 'string' || !keywords.startsWith('./'))) bad(['keywords'], 'expected a package subpath starting with ./');
  if (capabilities !== undefined) {
    if (!isObject(capabilities)) bad(['capabilities'], 'expected an object');
    else {
      for (const k of ['liveMigrate', 'agentless', 'remoteManaged'] as const) {
        if (capabilities[k] !== undefined && typeof capabilities[k] !== 'boolean') bad(['capabilities', k], 'expected true or false');
      }
      const g = capabilities['guestChannel'];
      if (g !== undefined && g !== 'native' && g !== 'ssh') bad(['capabilities', 'guestChannel'], 'expected native or ssh');
    }
  }
  return issues;
}

/** The manifest contract, with zod's `safeParse` shape so callers read its issues the same way. */
export const DriverManifest = {
  safeParse(raw: unknown): ManifestResult {
    const issues = check(raw);
    if (issues.length) return { success: false, error: { issues } };
    const m = raw as Record<string, unknown>;
    const caps = m['capabilities'] as DriverCapabilities | undefined;
    return {
      success: true,
      data: {
        apiVersion: m['apiVersion'] as number,
        provides: [...(m['provides'] as string[])],
        platforms: [...(m['platforms'] as Platform[])],
        ...(m['keywords'] !== undefined ? { keywords: m['keywords'] as string } : {}),
        ...(caps !== undefined ? { capabilities: { ...caps } } : {}),
      },
    };
  },
};

/** Which platform names this process runs as. */
export function platformOf(nodePlatform: string): Platform | undefined {
  const map: Record<string, Platform> = { linux: 'linux', sunos: 'sunos', freebsd: 'freebsd', darwin: 'darwin', win32: 'win32' };
  return Object.hasOwn(map, nodePlatform) ? map[nodePlatform] : undefined;
}

export function runsOn(manifest: Pick<DriverManifest, 'platforms'>, platform: Platform | undefined): boolean {
  return manifest.platforms.includes('any') || (platform !== undefined && manifest.platforms.includes(platform));
}
