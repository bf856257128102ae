export { scoreRun, scoreRuns, type RunInput, type EvalScores, type SectionScores, type ColdChainFalseAlarms } from './score-run.js';
export { formatTable, formatDuration } from './format-table.js';
export { writeResults } from './write-results.js';
export { parseGroundTruth, readGroundTruthFile, GroundTruthLine, type ParsedTruth, type TruthLineError, type ParseTruthOptions } from './truth-schema.js';
export { parseTasks, tasksFromEvents } from './parse-tasks.js';
export type { MissedExample, FalseAlarmExample } from './match-section.js';
export * as tolerances from './tolerances.js';
export { canonicalTasks, diffTaskLists, describeTaskDiff, type CanonicalTask, type TaskListDiff } from './task-diff.js';
export { deliveryBatches, DELIVERY_MODES, type DeliveryMode } from './delivery-plans.js';
