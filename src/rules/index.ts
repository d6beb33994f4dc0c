/**
 * Ops-written rules: the rules file schema and loader (with hot reload), Amazon EventBridge
 * event-pattern matching, and the pure engine that decides which rules apply and when.
 */
export * from './sources-schema';
export {
  rulesFileSchema,
  ruleSchema,
  inactivityRuleSchema,
  maxDurationRuleSchema,
  warningSchema,
  warnSchema,
  eventRuleSchema,
  eventPatternSchema,
  jsonPathSchema,
  closeSchema,
  conversationMatchSchema,
  idleSideSchema,
  idlePhaseSchema,
} from './rules-schema';
export type {
  RulesConfig,
  Rule,
  InactivityRule,
  MaxDurationRule,
  CountdownRule,
  Warning,
  EventRule,
  CloseAction,
  IdleSide,
  IdlePhase,
} from './rules-schema';
export { RulesValidationError, ScheduleGroupError, type ScheduleGroupErrorCode } from './errors';
export { parseRules, loadRulesFile, hashRulesText } from './parse-rules';
export { analyzeRules } from './analyze-rules';
export type { RulesAnalysis } from './analyze-rules';
export {
  RULES_DIAGNOSTIC_CODES,
  formatDiagnostic,
  diagnosticJson,
  isError,
} from './rules-diagnostic';
export type { RulesDiagnostic, RulesDiagnosticCode, RulesSeverity } from './rules-diagnostic';
export {
  MIN_IDLE_AFTER,
  MAX_IDLE_AFTER,
  MIN_WARN_BEFORE,
  MAX_WARNINGS,
  MIN_MAX_DURATION,
} from './rule-limits';
export { isPlaceholderId, UUID_PATTERN } from './genesys-ids';
export { reachableMessageTypes } from './reachable-channels';
export { deepFreeze, type LoadedRules } from './parse-rules';
export { RulesWatcher } from './rules-watcher';
export type { RulesWatcherOptions } from './rules-watcher';
export { checkRulesFile, describeRule } from './check-rules-file';
export { checkRulesOnline } from './check-rules-online';
export type { CheckedRules, OrgCheck, OrgCheckName, OrgCheckStatus } from './check-rules-online';
export { transferReferences, type TransferReference } from './org-references';
export type { RulesCheckResult, RulesSummary } from './check-rules-file';
export { matchesPattern } from './event-pattern';
export { explainPattern } from './explain-pattern';
export { patternExplanationSchema, patternFailureSchema } from './pattern-explanation';
export type {
  PatternExplanation,
  PatternFailure,
  FieldFailure,
  OrFailure,
  ElementsFailure,
  MatcherCheck,
  MatcherMiss,
  EventLeafValue,
} from './pattern-explanation';
export { validatePattern, isEventPattern, formatPath } from './event-pattern-validate';
export { MAX_WILDCARD_COMPLEXITY } from './wildcard-complexity';
export { PATTERN_OPERATORS } from './event-pattern-types';
export type {
  EventPattern,
  PatternMatcher,
  PatternLiteral,
  PatternOperator,
  PatternOperatorName,
} from './event-pattern-types';
export { parseJsonPath, extractJsonPath } from './json-path';
export type { JsonPathStep, ParsedJsonPath } from './json-path';
export {
  conversationFacts,
  CONVERSATION_FACTS,
  CONVERSATION_FACT_NAMES,
} from './conversation-facts';
export type { ConversationFacts, FactKind } from './conversation-facts';
export { isDryRun } from './engine';
export { lastActivityAt } from './inactivity';
export { matchingEventRules } from './event-trigger';
export type { EventRuleMatch } from './event-trigger';
export {
  SECOND,
  MINUTE,
  HOUR,
  DAY,
  parseDuration,
  formatDuration,
  durationSchema,
  DurationError,
} from '../config/durations';
export {
  GenesysSchedules,
  SCHEDULE_GROUP_REFRESH_MS,
  SCHEDULE_GROUP_RETRY_MS,
} from './genesys-schedules';
export type {
  GenesysScheduleState,
  GenesysSchedulesOptions,
  GenesysSchedulesReport,
} from './genesys-schedules';
export { loadScheduleGroup, type ScheduleGroupReader } from './load-schedule-group';
export { compileScheduleGroup } from './schedule-group';
export { parseRrule, type Recurrence } from './rrule';
export {
  isGenesysScheduleRef,
  type GenesysScheduleRef,
  type ScheduleSpec,
} from './schedule-schema';
