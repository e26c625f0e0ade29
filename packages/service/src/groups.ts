// Resource groups: re-exported from core, the one source of the list and the start order.
import { START_ORDER } from '@capsule/core/rid';

export { START_ORDER, ACCESSORY_GROUPS } from '@capsule/core/rid';
export const AVAIL_GROUPS: readonly string[] = START_ORDER;
