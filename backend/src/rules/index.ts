import { RulesCoordinator } from './engine.js';
import type { CreateRuleEngine } from './types.js';

export const createRuleEngine: CreateRuleEngine = (model) => new RulesCoordinator(model);
export { defaultLimits, defaultTuning } from './defaults.js';
export type { RuleTuning } from './defaults.js';
export { spoilageBand } from './spoilage-rule.js';
export type * from './types.js';
