#!/usr/bin/env node
// The svcmgr entry point.
import { run } from '../main.js';
import { svcmgr } from '../programs/svcmgr.js';

process.exitCode = await run(svcmgr, process.argv.slice(2));
