// Types of the sg_persist simulator's test side, for the TypeScript driver tests.
export declare const SG_PERSIST_BIN: string;
export interface LunState {
  generation: number;
  registrations: Record<string, string>;
  reservation: { host: string; key: string; type: number } | null;
  unitAttention: string[];
  aborted?: number;
}
export declare class SharedLuns {
  readonly dir: string;
  lun(dev: string, o?: { vendor?: string; product?: string; revision?: string }): void;
  env(host: string): Record<string, string>;
  state(dev: string): LunState;
  calls(): string[];
  dispose(): void;
}
