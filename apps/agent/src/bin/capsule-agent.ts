#!/usr/bin/env node
// The capsule-agent entry point.
import { main } from '../main.js';

await main();
