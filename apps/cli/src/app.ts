// The app package this CLI runs from: its dependencies are the drivers it ships.
import { findAppRoot } from '@capsule/runtime/node';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appRoot = findAppRoot(dirname(fileURLToPath(import.meta.url)));
