#!/usr/bin/env node
// The svcmon entry point.
import { run } from '../main.js';
import { svcmon } from '../programs/svcmon.js';

process.exitCode = await run(svcmon, process.argv.slice(2));
