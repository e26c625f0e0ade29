// Types of fixture.mjs, for TypeScript tests.
export declare class SimHost {
  readonly dir: string;
  readonly binDir: string;
  constructor(dir: string, binDir: string);
  static create(binDir: string, prefix?: string): SimHost;
  env(): Record<string, string>;
  flag(guest: string, what: 'ignore-shutdown' | 'never-ready' | 'boot-delay' | 'shutdown-delay' | (string & {}), content?: string): void;
  fault(op: string, content: string, guest?: string): void;
  clearFault(op: string, guest?: string): void;
  hook(event: 'boot' | 'halt', script: string, guest?: string): void;
  peer(node: string, other: SimHost): void;
  patchGuest(guest: string, patch: Record<string, unknown>): void;
  record(guest: string): Record<string, unknown> | undefined;
  calls(): string[];
  dispose(): void;
}
/** Installs `svcmgr` (this repository's build) and the launcher of app `shop` of service `svc` in a guest root. */
export declare function installAgent(root: string, svc?: string): void;
