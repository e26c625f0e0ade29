// Public API of @capsule/config.
export { parseConfig, findSection, findEntry, MAX_CONFIG_BYTES, type ConfigDocument, type Section, type Entry } from './reader.js';
export { blockingIssues, formatIssue, issuesError, type ConfigIssue } from './issues.js';
export { Evaluator, inheritsFromDefault, type EvalContext } from './evaluator.js';
export { SCOPE_GROUPS, type NodeSets } from './scoping.js';
export { evaluateExpression } from './expr.js';
export { KeywordRegistry, sectionKind, RESOURCE_SECTION_GROUPS, type KeywordLoader, type SectionKind } from './registry.js';
export { defaultKeywords } from './keywords/default.js';
export { resourceKeywords, HOOK_ACTIONS } from './keywords/resource.js';
export { validateConfig } from './validate.js';
export { evaluateConfig, evaluationErrors, renderEvaluated, type EvaluatedConfig, type EvaluatedSection } from './evaluate.js';
export { readClusterInfo, parseClusterInfo, nodeConfPath, DEFAULT_CLUSTER, type ClusterInfo } from './cluster.js';
export { builtinReference, derivedId, MODIFIERS } from './references.js';
export { deprecation, oldNames } from './deprecated.js';
export { setKeyword, unsetKeyword, renderDocument } from './writer.js';
export { atomicWrite, writeStateFile, cleanStaleTemps, type AtomicWriteOptions } from './atomic.js';
export { loadConfig, installConfig } from './files.js';
export { readCapped } from './read-capped.js';
export { servicePaths, configMtime, MAX_SVCNAME_LENGTH, type ServicePaths } from './paths.js';
