// Runs a simulated tool for the simulators' own tests: argv in, exit code and output out.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after } from 'node:test';
import { SimHost } from './fixture.mjs';

/** `tool` in `sim.bin`, with `sim`'s state; resolves to { code, stdout, stderr }. */
export function run(sim, tool, args, o = {}) {
  return new Promise((resolve) => {
    const child = spawn(join(sim.bin, tool), args, { env: { ...process.env, ...sim.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(o.input ?? '');
  });
}

/** A maker of fresh hosts for one test file of `bin`'s simulator; they are removed when the file's tests end. */
export function testHosts(bin) {
  const hosts = [];
  after(() => hosts.forEach((h) => h.dispose()));
  return () => {
    const h = new SimHost(bin);
    hosts.push(h);
    return h;
  };
}
