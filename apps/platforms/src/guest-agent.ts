// The guest agent of a linux build: one executable (Node's SEA) at
// lib/guest/svcmgr, which a hypervisor pushes into a guest without Node
// (`push_agent = true` on a container section). Made from the build's own lib/
// by tooling/bundle/sea.mjs, run as a program: the build needs no link to it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Where a build holds its guest agent; packages/service finds it there, beside the running CLI's lib/. */
export const GUEST_AGENT_PATH = 'lib/guest/svcmgr';

/** The command that builds the guest agent of the build in `dir`, with the node running this. */
export function guestAgentCommand(repo: string, dir: string, node = process.execPath): string[] {
  return [node, join(repo, 'tooling/bundle/sea.mjs'), '--from', dir, '--out', join(dir, GUEST_AGENT_PATH)];
}

/**
 * Builds `dir`'s guest agent (a few seconds: the node binary is copied, stripped and injected); returns its
 * path. For a linux build only, made on linux: the agent is a copy of the node running this, so elsewhere
 * there is none (undefined), and a hypervisor of that build says how to get one (GuestAgentNotBuilt).
 */
export function placeGuestAgent(o: { repo: string; dir: string }, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux') return undefined;
  const [node, ...args] = guestAgentCommand(o.repo, o.dir);
  execFileSync(node!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return join(o.dir, GUEST_AGENT_PATH);
}
