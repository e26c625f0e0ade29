// Types of the part of zones.mjs that driver tests use.
/** Every state word zoneadm prints (corpus/states.txt). */
export declare const STATES: string[];
/** Puts zone `name` of the simulated host `dir` in any state (any word, for tests of unknown ones). */
export declare function patchZone(dir: string, name: string, fields: { state: string } & Record<string, unknown>): void;
