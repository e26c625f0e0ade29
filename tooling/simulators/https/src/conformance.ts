// The conformance fixture every API driver uses on its simulator: guests
// are simulated VMs played by real sshd servers, the endpoint that does not
// answer is a closed loopback port, the failing tool a "busy" fault file.
import type { ConformanceFixture, ConformanceGuest } from '@capsule/conformance';
import { uniqueName } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import type { SshGuests } from './guests.js';

export interface SimulatedCloud {
  setup(): Promise<void>;
  teardown(): Promise<void>;
  readonly guests: SshGuests;
  /** node.conf `[driver.TYPE]`. */
  settings(extra?: Record<string, string>): Record<string, string>;
  /** The contents of the secret files, by setting keyword. */
  secrets(): Record<string, string>;
  /** A powered-off guest the simulator knows; without an address no sshd plays it. */
  add(name: string, address?: string): void;
  isRunning(name: string): boolean;
  setFault(file: string): void;
  /** Section keywords a guest needs besides name and address (vcloud's vapp). */
  section?(name: string): Record<string, string>;
}

/** Nothing listens on port 1 of loopback. */
const DEAD_URL = 'https://127.0.0.1:1';

export function apiConformanceFixture(cloud: SimulatedCloud, prefix: string): ConformanceFixture {
  const make = (name: string, address: string): ConformanceGuest => ({
    section: { name, address, ...cloud.section?.(name) },
    settings: cloud.settings(),
    secrets: cloud.secrets(),
    exec: localExec,
    isRunning: async () => cloud.isRunning(name),
  });
  async function guest(o: { ignoresShutdown?: boolean } = {}): Promise<ConformanceGuest> {
    const name = uniqueName(prefix, 20);
    const g = await cloud.guests.create(name);
    cloud.add(name, g.address);
    if (o.ignoresShutdown) cloud.setFault(`${name}.ignore-shutdown`);
    return { ...make(name, g.address), ssh: g.ssh };
  }
  async function silentGuest(): Promise<ConformanceGuest> {
    const name = uniqueName(prefix, 20);
    cloud.add(name);
    return make(name, '203.0.113.254');
  }
  return {
    setup: () => cloud.setup(),
    teardown: () => cloud.teardown(),
    guest,
    missingGuest: async () => make(`capsule-no-such-${prefix}`, '203.0.113.254'),
    toolMissing: async () => ({ ...(await guest()), settings: cloud.settings({ url: DEAD_URL }) }),
    toolMissingCode: 'EndpointUnreachable',
    breakTool: async (g) => cloud.setFault(`${g.section['name']}.busy`),
    // A VM no sshd plays: it powers on, its guest never answers.
    silentGuest,
    endpoint: {
      plainHttp: async () => ({ ...(await silentGuest()), settings: cloud.settings({ url: (cloud.settings()['url'] ?? '').replace(/^https:/, 'http:') }) }),
      // No ca_file: the system CAs, which did not sign the simulator's certificate. Unverified, it works.
      unverified: async () => ({ ...(await silentGuest()), settings: cloud.settings({ ca_file: '', insecure: 'true' }) }),
    },
  };
}
