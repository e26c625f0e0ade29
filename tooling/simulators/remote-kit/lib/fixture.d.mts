// Types of fixture.mjs for TypeScript tests.
export declare class SimHost {
  readonly dir: string;
  constructor(dir: string);
  static create(prefix?: string): SimHost;
  env(extra?: Record<string, string>): Record<string, string>;
  define(name: string, record: Record<string, unknown>): void;
  guest(name: string): Record<string, unknown> | undefined;
  fault(kind: 'busy' | 'denied' | 'slow' | 'ignore-shutdown' | (string & {}), content?: string, guest?: string): void;
  clearFault(kind: string, guest?: string): void;
  hook(kind: 'boot' | 'halt', script: string): void;
  peer(host: string, other: SimHost): void;
  calls(): string[];
  clearCalls(): void;
  dispose(): void;
}
