// Public API of @capsule/nemesis: a run, its report, and the report as text.
export { runNemesis, NODES, type NemesisOptions } from './run.js';
export { analyze, type NemesisReport, type FaultOutcome, type KindSummary, type LostEdit, type RunRecord } from './analysis.js';
export { renderReport } from './render.js';
export { parseNemesisArgs, parseDuration, type NemesisArgs } from './args.js';
export { NemesisAborted, NemesisSetupFailed, NemesisUsage } from './errors.js';
export { ETCD_FAULT_KINDS, FAULT_KINDS, faultKinds, type Backend, type FaultKind } from './schedule.js';
