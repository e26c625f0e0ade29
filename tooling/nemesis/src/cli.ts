#!/usr/bin/env node
// `pnpm nemesis`: runs the nemesis, prints its progress and report, writes
// the report as JSON with --out; exit 0 when no double hold and no lost
// acknowledged edit, 1 otherwise, 2 for a wrong command line or a run that
// could not start, 130/143 when interrupted (after cleaning up).
import { writeFile } from 'node:fs/promises';
import { parseNemesisArgs } from './args.js';
import { NemesisAborted, NemesisUsage } from './errors.js';
import { renderReport } from './render.js';
import { runNemesis } from './run.js';

const write = (text: string) => process.stdout.write(text);

async function main(): Promise<number> {
  const args = parseNemesisArgs(process.argv.slice(2), () => Date.now() % 1_000_000);
  const abort = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      // A second Ctrl-C must not leave namespaces behind: the cleanup carries on.
      if (signalled) return void process.stderr.write(`nemesis: still removing the test cluster\n`);
      signalled = sig;
      process.stderr.write(`nemesis: ${sig}: removing the test cluster\n`);
      abort.abort();
    });
  }
  try {
    const report = await runNemesis({ ...args, log: (line) => write(`${line}\n`), signal: abort.signal });
    write(`\n${renderReport(report)}`);
    if (args.out) {
      await writeFile(args.out, JSON.stringify(report, null, 2) + '\n');
      write(`report written to ${args.out}\n`);
    }
    return report.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof NemesisAborted || signalled) return signalled === 'SIGTERM' ? 143 : 130;
    throw e;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`nemesis: ${e instanceof NemesisUsage ? '' : `${(e as Error).name}: `}${(e as Error).message}\n`);
    process.exit(2);
  },
);
