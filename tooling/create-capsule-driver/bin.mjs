#!/usr/bin/env node
// create-capsule-driver: a new capsule container driver package, ready to
// build, test against capsule's conformance suite (a stub of the tool
// included) and pack for `nodemgr driver add`.
//   pnpm create capsule-driver capsule-driver-foo --type container.foo --tool footool
//   node tooling/create-capsule-driver/bin.mjs --name capsule-driver-foo --type container.foo --tool footool --out DIR [--workspace]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generate } from './src/generate.mjs';
import { driverNames } from './src/names.mjs';

const USAGE = 'usage: create-capsule-driver NAME --type container.TYPE --tool COMMAND [--out DIR] [--platform linux ...] [--workspace]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    type: { type: 'string' },
    tool: { type: 'string' },
    out: { type: 'string' },
    platform: { type: 'string', multiple: true },
    workspace: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const name = values.name ?? positionals[0];
const short = name?.replace(/^(@[^/]+\/)?(capsule-driver-)?/, '');
const platforms = values.platform ?? ['linux'];
const checked = driverNames({ name, type: values.type ?? (short ? `container.${short}` : undefined), tool: values.tool ?? short, platforms });
if (!checked.ok) {
  console.error(`error: ${checked.problems.join('\n  ')}\n  hint: ${USAGE}`);
  process.exit(2);
}
const out = resolve(values.out ?? name?.replace(/^@[^/]+\//, '') ?? '.');
try {
  const files = await generate({ names: checked.names, out, workspace: values.workspace, platforms });
  console.log(`${checked.names.name} (${checked.names.type}) written to ${out}: ${files.length} files`);
  console.log(`next: cd ${out} && ${values.workspace ? 'pnpm install (at the repository root)' : 'npm install'} && npm run build && npm test`);
  console.log("then: replace the stub in test/stub with the real tool, the states in src/state.ts with its real words, and npm pack (capsule's docs/writing-a-driver.md tells each step)");
} catch (e) {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
