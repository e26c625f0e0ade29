// Builds an app as one ESM bundle per program with shared lazy chunks: Node
// loads one file instead of hundreds. Driver packages are never bundled:
// plugin-host imports them at run time from the app's dependencies.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

/** Run from the app's directory: src/bin/PROGRAM.ts -> dist/bin/PROGRAM.js, chunks in dist/chunks. */
export async function bundleApp(programs) {
  rmSync('dist', { recursive: true, force: true });
  await build({
    entryPoints: programs.map((p) => `src/bin/${p}.ts`),
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
    // zod too: loaded from node_modules only by what validates a document (a guest's
    // status, heartbeats, node.conf edits), never by the status path of a plain service.
    // etcd3 reads its .proto files from its own directory, and only the etcd backend loads it.
    external: ['ssh2', 'zod', 'etcd3', 'cockatiel'],
    logLevel: 'warning',
  });
}

/** A web page: `dir/app.ts` -> `dist/web/app.js` (one minified browser script), with the page's static files beside it. */
export async function bundleWeb(dir, assets) {
  const { copyFileSync, mkdirSync } = await import('node:fs');
  mkdirSync('dist/web', { recursive: true });
  await build({
    entryPoints: [`${dir}/app.ts`],
    outfile: 'dist/web/app.js',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@capsule/source'],
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  for (const f of assets) copyFileSync(`${dir}/${f}`, `dist/web/${f}`);
}
