// Jails on the simulated host of tooling/simulators/jail: a root directory
// with its own /etc/rc and /etc/rc.shutdown, as a FreeBSD jail has them.
import type { Exec } from '@capsule/core';
import { uniqueName } from '@capsule/testenv';
import { localExec } from '@capsule/transport';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SimHost } from '../../../tooling/simulators/guest-kit/lib/fixture.mjs';

const JAIL_BIN = fileURLToPath(new URL('../../../tooling/simulators/jail/bin', import.meta.url));

export class JailHost {
  readonly sim = SimHost.create(JAIL_BIN, 'capsule-jails-');
  private readonly roots: string[] = [];

  /** Runs a command on the simulated host: its tools first on PATH. */
  readonly exec: Exec = (argv, o) => localExec(argv, { ...o, env: { ...o?.env, ...this.sim.env() } });

  /** A jail root; `rc` and `rcShutdown` are the bodies of its /etc/rc and /etc/rc.shutdown. */
  root(o: { rc?: string; rcShutdown?: string } = {}): { name: string; root: string } {
    const root = mkdtempSync(join(tmpdir(), 'capsule-jailroot-'));
    this.roots.push(root);
    mkdirSync(join(root, 'etc'));
    for (const [file, body] of [['rc', o.rc ?? 'exit 0'], ['rc.shutdown', o.rcShutdown ?? 'exit 0']] as const) {
      writeFileSync(join(root, 'etc', file), `#!/bin/sh\n${body}\n`);
      chmodSync(join(root, 'etc', file), 0o755);
    }
    return { name: uniqueName('capj', 20), root };
  }

  async running(name: string): Promise<boolean> {
    return (await this.exec(['jls', '-j', name])).code === 0;
  }

  dispose(): void {
    this.sim.dispose();
    for (const r of this.roots.splice(0)) rmSync(r, { recursive: true, force: true });
  }
}
