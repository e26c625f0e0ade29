// Programmatic entry to the CLI (tests, the agent).
export { run, type Io } from './main.js';
export { parseArgs, type ParsedArgs } from './argv.js';
export type { CommandSpec, CommandContext, CommandModule, OptionSpec, ProgramSpec } from './spec.js';
export { svcmgr } from './programs/svcmgr.js';
export { nodemgr } from './programs/nodemgr.js';
export { svcmon } from './programs/svcmon.js';
