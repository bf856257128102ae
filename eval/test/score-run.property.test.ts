import type { TaskKind } from '@shelfwatch/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GroundTruthEvent } from '../../firmware-sim/src/world/ground-truth.js';
import { scoreRun, type EvalScores, type SectionScores } from '../src/score-run.js';
import { atRisk, fault, layout, oos, planogram, run, task } from './fixtures.js';

const HOURS = 24;
const DAY_MIN = HOURS * 60;
const slots = ['a1-s1-1', 'a1-s1-2'];
const cases = ['case-deli', 'case-frozen'];

const span = fc.tuple(fc.integer({ min: 0, max: DAY_MIN - 1 }), fc.integer({ min: 1, max: 300 })).map(([s, d]) => [s, Math.min(DAY_MIN, s + d)] as const);

const truthEvent: fc.Arbitrary<GroundTruthEvent> = fc.oneof(
  fc.tuple(fc.constantFrom(...slots), span).map(([slot, [s, e]]) => oos(slot, s, e)),
  fc.tuple(fc.constantFrom(...slots), span).map(([slot, [s, e]]) => planogram(slot, s, e)),
  fc.tuple(fc.constantFrom(...cases), span).map(([c, [s, e]]) => atRisk(c, s, e, c === 'case-frozen' ? { category: 'frozen' } : {})),
  fc.tuple(fc.constantFrom('door_ajar', 'compressor_failure', 'probe_stuck'), fc.constantFrom('case-deli', 'probe-deli-prod'), span).map(([f, target, [s, e]]) => fault(f, target, s, e)),
);

const kinds: TaskKind[] = ['out_of_stock', 'low_stock', 'planogram_violation', 'temperature_excursion', 'spoilage', 'sensor_fault', 'verify_stock'];
const keys = [...slots.map((s) => `slot:${s}`), ...cases.map((c) => `case:${c}`), 'probe:probe-deli-prod', 'controller:case-deli'];

const taskArb = fc
  .tuple(fc.constantFrom(...kinds), fc.constantFrom(...keys), fc.integer({ min: 0, max: DAY_MIN + 60 }), fc.option(fc.integer({ min: 0, max: 600 })))
  .map(([kind, key, raised, dur]) => task(kind, key, raised, dur === null ? null : raised + dur));

const input = fc.record({ truth: fc.array(truthEvent, { maxLength: 25 }).map((events) => run(events, HOURS)), tasks: fc.array(taskArb, { maxLength: 25 }) });

const sections = (s: EvalScores): [string, SectionScores][] => [
  ['outOfStock', s.outOfStock],
  ['lowStock', s.lowStock],
  ['planogram', s.planogram],
  ['coldChain', s.coldChain],
  ['sensorFault', s.sensorFault],
];

const inUnit = (v: number | null) => v === null || (v >= 0 && v <= 1);

describe('scoreRun invariants (fast-check)', () => {
  it('ratios in [0,1] or null, counts add up, delays ordered and never NaN', () => {
    fc.assert(
      fc.property(input, ({ truth, tasks }) => {
        const scores = scoreRun({ truth, tasks, layout });
        expect(JSON.stringify(scores)).not.toMatch(/NaN|Infinity/);
        for (const [, s] of sections(scores)) {
          expect(inUnit(s.precision)).toBe(true);
          expect(inUnit(s.recall)).toBe(true);
          expect(s.tp + s.fp + s.duplicates + s.followUps).toBe(s.tasks);
          expect(s.detected + s.fn).toBe(s.truthIntervals);
          expect(s.truthIntervals + s.excludedShort + s.censoredAtEnd).toBe(s.episodes);
          if (s.medianDelayS !== null) {
            expect(s.medianDelayS).toBeGreaterThanOrEqual(0);
            expect(s.worstDelayS).toBeGreaterThanOrEqual(s.medianDelayS);
          } else expect(s.worstDelayS).toBeNull();
        }
        expect(scores.falseAlarmsPerCaseDay).toBe(scores.coldChain.fp / scores.coldChainFalseAlarms.caseDays);
      }),
      { seed: 4101, numRuns: 300 },
    );
  }, 30_000);

  it('adding an unrelated false task never raises precision and never changes recall', () => {
    const unrelated = fc
      .tuple(fc.constantFrom(...kinds), fc.constantFrom(...keys, 'slot:ghost', 'case:ghost'))
      // Raised two days after the run: no truth window reaches it.
      .map(([kind, key]) => task(kind, key, DAY_MIN * 3));
    fc.assert(
      fc.property(input, unrelated, ({ truth, tasks }, extra) => {
        const before = scoreRun({ truth, tasks, layout });
        const after = scoreRun({ truth, tasks: [...tasks, extra], layout });
        for (const [name, s] of sections(after)) {
          const b = sections(before).find(([n]) => n === name)![1];
          if (b.precision !== null && s.precision !== null) expect(s.precision).toBeLessThanOrEqual(b.precision);
          expect(s.recall).toBe(b.recall);
        }
      }),
      { seed: 4102, numRuns: 300 },
    );
  });

  it('does not depend on the order tasks arrive in', () => {
    fc.assert(
      fc.property(input, fc.infiniteStream(fc.nat()), ({ truth, tasks }, seeds) => {
        const shuffled = tasks.map((t) => [seeds.next().value, t] as const).sort((a, b) => a[0] - b[0]).map(([, t]) => t);
        expect(scoreRun({ truth, tasks: shuffled, layout })).toEqual(scoreRun({ truth, tasks, layout }));
      }),
      { seed: 4103, numRuns: 200 },
    );
  });
});
