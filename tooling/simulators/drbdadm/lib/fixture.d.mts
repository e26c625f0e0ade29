// Types of the drbdadm simulator's test side, for the TypeScript driver tests.
export declare const DRBDADM_BIN: string;
export declare class DrbdCluster {
  readonly dir: string;
  resource(name: string, hosts: string[], o?: { twoPrimaries?: boolean }): void;
  env(host: string): Record<string, string>;
  fault(host: string, res: string, kind: 'disk' | 'open' | 'standalone' | 'refused', content?: string): void;
  clearFault(host: string, res: string, kind: string): void;
  kernel(host: string, res: string): { role: string; disk: string } | undefined;
  calls(): string[];
  dispose(): void;
}
