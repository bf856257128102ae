export { createSimulation, type Simulation, type SimulationOptions } from './simulation.js';
export type { SimStats, SimSummary } from './sim-stats.js';
export { loadScenario, scenarioFromObject, ScenarioError, checkReferences } from './scenario/load-scenario.js';
export { SimSettings, TimelineEvent, ScenarioFile, GeneratedLayoutSpec, type Scenario, type TimelineEventType } from './scenario/schema.js';
export { generateLayout } from './scenario/generate-layout.js';
export type { GroundTruthEvent } from './world/ground-truth.js';
export { PRODUCT_LIMIT_C, StoreWorld } from './world/store-world.js';
export { SimEngine, type StepOutput, type NetworkChange } from './engine/sim-engine.js';
export { shiftToToday } from './scenario/shift-to-today.js';
