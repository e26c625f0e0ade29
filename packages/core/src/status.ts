// The Status schema; the values and their arithmetic are in status-values.ts.
import { z } from 'zod';
import { STATUSES } from './status-values.js';

export * from './status-values.js';
export const Status = z.enum(STATUSES);
export type Status = z.infer<typeof Status>;
