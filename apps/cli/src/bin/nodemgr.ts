#!/usr/bin/env node
// The nodemgr entry point.
import { run } from '../main.js';
import { nodemgr } from '../programs/nodemgr.js';

process.exitCode = await run(nodemgr, process.argv.slice(2));
