// Builds the CLI as one ESM bundle per entry point with shared lazy chunks:
// Node loads one file instead of hundreds (zod alone is ~60 ms unbundled).
// Driver packages are never bundled: plugin-host imports them at run time.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/bin/svcmgr.ts', 'src/bin/nodemgr.ts', 'src/bin/svcmon.ts'],
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Sibling packages are bundled from their TypeScript sources, so no prior build is needed.
  conditions: ['@capsule/source'],
  chunkNames: '../chunks/[name]-[hash]',
  sourcemap: true,
  minifySyntax: true,
  // ssh2 stays a package of its own: loaded only when a command reaches a host over ssh.
  // zod too: the driver plugins (never bundled) import it from node_modules, and a
  // bundled copy beside theirs made commands that load drivers compile zod twice.
  external: ['ssh2', 'zod'],
  logLevel: 'warning',
});
