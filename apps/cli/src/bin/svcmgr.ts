#!/usr/bin/env node
// The svcmgr entry point.
import { main } from '../process.js';
import { svcmgr } from '../programs/svcmgr.js';

await main(svcmgr);
