// Types of the test side of a simulated host (lib/fixture.mjs).
export declare class SimHost {
  constructor(bin: string);
  readonly bin: string;
  readonly dir: string;
  readonly env: { CAPSULE_SIM_STATE: string; PATH: string };
  path(...parts: string[]): string;
  fault(kind: string, guest?: string, content?: string): void;
  clearFault(kind: string, guest?: string): void;
  hook(guest: string, event: 'boot' | 'halt', command: string): void;
  peer(name: string, other: SimHost): void;
  guest(name: string): Record<string, unknown> | undefined;
  patchGuest(name: string, patch: Record<string, unknown>): void;
  calls(): string[];
  dispose(): void;
}
