// Resource groups: re-exported from core, the one source of the list and the start order.
import { START_ORDER } from '@capsule/core';

export { START_ORDER, ACCESSORY_GROUPS } from '@capsule/core';
export const AVAIL_GROUPS: readonly string[] = START_ORDER;
