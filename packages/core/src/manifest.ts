// The driver manifest: the "capsule" field of a driver package's package.json,
// read at start-up without importing any driver code.
import { z } from 'zod';

// 2: guest channel, typed sections, capabilities, settings, migration (see docs/architecture.md).
export const API_VERSION = 2;

/**
 * Where the agent runs a driver: the platforms Node runs on. HP-UX and SPARC
 * hosts run no agent: their drivers are remote-managed (run anywhere, reach
 * the hypervisor host over ssh) and their guests agentless.
 */
export const PLATFORMS = ['linux', 'sunos', 'freebsd', 'darwin', 'win32', 'any'] as const;
export const Platform = z.enum(PLATFORMS);
export type Platform = z.infer<typeof Platform>;

/** `container.lxc` (group.type) or `fs` (the default driver of a group). */
export const Provide = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)?$/, 'expected group or group.type, like container.lxc');

export const DriverManifest = z.object({
  apiVersion: z.number().int().positive(),
  provides: z.array(Provide).min(1),
  platforms: z.array(Platform).min(1),
  /** Package subpath exporting the keyword specs, loadable without the driver code. */
  keywords: z.string().startsWith('./').optional(),
  capabilities: z
    .object({
      /** The driver can move a running guest to a peer (`svcmgr migrate`). */
      liveMigrate: z.boolean().optional(),
      /** How its guests are reached: a native command prefix or their sshd. */
      guestChannel: z.enum(['native', 'ssh']).optional(),
      /** Its guests run no capsule agent: the hypervisor's agent runs their encap resources through the channel. */
      agentless: z.boolean().optional(),
      /** Its tools run on a hypervisor host reached over ssh (`[driver.TYPE] host` in node.conf), not on this node. */
      remoteManaged: z.boolean().optional(),
    })
    .optional(),
});
export type DriverManifest = z.infer<typeof DriverManifest>;

/** Which platform names this process runs as. */
export function platformOf(nodePlatform: string): Platform | undefined {
  const map: Record<string, Platform> = { linux: 'linux', sunos: 'sunos', freebsd: 'freebsd', darwin: 'darwin', win32: 'win32' };
  return Object.hasOwn(map, nodePlatform) ? map[nodePlatform] : undefined;
}

export function runsOn(manifest: Pick<DriverManifest, 'platforms'>, platform: Platform | undefined): boolean {
  return manifest.platforms.includes('any') || (platform !== undefined && manifest.platforms.includes(platform));
}

export type DriverCapabilities = NonNullable<DriverManifest['capabilities']>;
