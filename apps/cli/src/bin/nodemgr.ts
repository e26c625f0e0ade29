#!/usr/bin/env node
// The nodemgr entry point.
import { main } from '../process.js';
import { nodemgr } from '../programs/nodemgr.js';

await main(nodemgr);
