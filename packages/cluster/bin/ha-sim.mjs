#!/usr/bin/env node
// Runs one scenario folder and prints its log: `pnpm -F @capsule/cluster sim scenarios/NAME`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const { simulate, parseCmdlist } = await import('../dist/index.js');
const dir = process.argv[2];
if (!dir) {
  console.error('usage: ha-sim SCENARIO_DIR');
  process.exit(2);
}
const r = simulate(JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')), parseCmdlist(readFileSync(join(dir, 'cmdlist'), 'utf8'), join(dir, 'cmdlist')));
process.stdout.write(r.log.join('\n') + '\n');
