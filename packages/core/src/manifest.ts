// The driver manifest: the "capsule" field of a driver package's package.json,
// read at start-up without importing any driver code.
import { z } from 'zod';

export const API_VERSION = 1;

export const PLATFORMS = ['linux', 'sunos', 'freebsd', 'hpux', 'aix', 'darwin', 'any'] as const;
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
});
export type DriverManifest = z.infer<typeof DriverManifest>;

/** Which platform names this process runs as. */
export function platformOf(nodePlatform: string): Platform | undefined {
  const map: Record<string, Platform> = { linux: 'linux', sunos: 'sunos', freebsd: 'freebsd', aix: 'aix', darwin: 'darwin' };
  return map[nodePlatform];
}

export function runsOn(manifest: Pick<DriverManifest, 'platforms'>, platform: Platform | undefined): boolean {
  return manifest.platforms.includes('any') || (platform !== undefined && manifest.platforms.includes(platform));
}
