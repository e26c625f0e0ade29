#!/usr/bin/env node
// The svcmon entry point.
import { main } from '../process.js';
import { svcmon } from '../programs/svcmon.js';

await main(svcmon);
