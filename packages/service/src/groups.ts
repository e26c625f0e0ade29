// Resource groups: which count towards availability, and the start order.
/** OpenSVC start order; stop is the reverse. */
export const START_ORDER = ['ip', 'disk', 'fs', 'share', 'container', 'app'] as const;
export const AVAIL_GROUPS: readonly string[] = START_ORDER;
export const ACCESSORY_GROUPS = ['sync', 'task', 'hb', 'stonith'] as const;
