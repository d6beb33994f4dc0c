/** "Why didn't it fire?": every rule's verdict on a delivery or a conversation, without acting. */
export {
  anyPatternMatched,
  conversationVerdicts,
  webhookVerdicts,
  type ConversationContext,
  type RuleVerdict,
  type RuleVerdictKind,
} from './rule-verdicts';
export {
  testRules,
  rulesTestInputSchema,
  RulesTestError,
  type RulesTestDeps,
  type RulesTestInput,
  type RulesTestReport,
} from './test-rules';
export { patternVerdict, type PatternVerdict } from './pattern-verdict';
export { RULES_TEST_ERRORS, type RulesTestErrorCode } from './errors';
export {
  previewRules,
  DEFAULT_PREVIEW_LIMIT,
  DEFAULT_PREVIEW_SCAN,
  type PreviewDeps,
  type PreviewOptions,
  type PreviewReport,
  type PreviewedConversation,
  type PreviewLiveProblem,
  type RuleActionCounts,
} from './preview-rules';
export { projectConversation, type ProjectedAction } from './project-conversation';
