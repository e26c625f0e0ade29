// Types of the zpool simulator's test side, for the TypeScript driver tests.
export declare const ZPOOL_BIN: string;
export interface PoolState { name: string; multihost: string; importedOn: string[]; exported: boolean; lastHost: string; cachefile?: string }
export declare class ZpoolDisks {
  readonly dir: string;
  pool(name: string, o?: { lastHost?: string; importedOn?: string[]; multihost?: 'on' | 'off'; exported?: boolean; vdevs?: string[]; layout?: 'stripe' | 'mirror' }): void;
  env(host: string): Record<string, string>;
  fault(name: string, kind: 'health' | 'busy', content?: string): void;
  clearFault(name: string, kind: string): void;
  state(name: string): PoolState | undefined;
  calls(): string[];
  dispose(): void;
}
