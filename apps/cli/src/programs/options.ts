// Options shared by several commands, declared once.
import type { OptionSpec } from '../spec.js';

export const format: OptionSpec = { name: 'format', type: 'string', arg: 'FMT', choices: ['text', 'json'], help: 'output format' };
export const version: OptionSpec = { name: 'version', type: 'boolean', help: 'print the version and exit' };
export const service: OptionSpec = { name: 'service', short: 's', type: 'string', arg: 'SVC', help: 'the service to act on' };
