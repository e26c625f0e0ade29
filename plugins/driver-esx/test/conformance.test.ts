// The esx driver passes the container conformance suite against the vSphere
// simulator, its guests real sshd servers that answer while the VM is on.
import { runConformance, type ConformanceGuest } from '@capsule/conformance';
import { uniqueName } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { readFile } from 'node:fs/promises';
import driver from '../src/index.js';
import { EsxWorld, PASSWORD, USER } from './fixture.js';

const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { capsule: { capabilities?: object } };
const w = new EsxWorld();
const secrets = () => ({ credentials_file: `username=${USER}\npassword=${PASSWORD}\n` });

async function guest(o: { ignoresShutdown?: boolean } = {}): Promise<ConformanceGuest> {
  const name = uniqueName('vm-', 20);
  const g = await w.guests.create(name);
  w.sim.addVm({ name, address: g.address, host: 'esx1' });
  if (o.ignoresShutdown) w.sim.state.setFault(`${name}.ignore-shutdown`);
  return {
    section: { name, address: g.address },
    settings: w.settings(),
    secrets: secrets(),
    exec: localExec,
    ssh: g.ssh,
    isRunning: async () => w.sim.vm(name)?.power_state === 'POWERED_ON' && w.sim.hostOf(name) === 'esx1',
  };
}

runConformance(driver, manifest.capsule.capabilities ?? {}, {
  setup: () => w.setup(),
  teardown: () => w.teardown(),
  guest,
  missingGuest: async () => ({ section: { name: 'capsule-no-such-vm' }, settings: w.settings(), secrets: secrets(), exec: localExec, isRunning: async () => false }),
  // Nothing listens on port 1 of loopback: the endpoint does not answer.
  toolMissing: async () => ({ ...(await guest()), settings: w.settings({ url: 'https://127.0.0.1:1' }) }),
  toolMissingCode: 'EndpointUnreachable',
  breakTool: async (g) => w.sim.state.setFault(`${g.section['name']}.busy`),
  // A VM no sshd plays: it powers on, its guest never answers.
  silentGuest: async () => {
    const name = uniqueName('vm-', 20);
    w.sim.addVm({ name, host: 'esx1' });
    return { section: { name, address: '203.0.113.254' }, settings: w.settings(), secrets: secrets(), exec: localExec, isRunning: async () => w.sim.vm(name)?.power_state === 'POWERED_ON' };
  },
  peer: async (g) => ({ node: 'hv2', exec: localExec, isRunningThere: async () => w.sim.vm(g.section['name']!)?.power_state === 'POWERED_ON' && w.sim.hostOf(g.section['name']!) === 'esx2' }),
});
