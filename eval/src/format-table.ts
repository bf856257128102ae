import type { EvalScores, SectionScores } from './score-run.js';

const ROWS: [label: string, pick: (s: EvalScores) => SectionScores][] = [
  ['out of stock', (s) => s.outOfStock],
  ['planogram', (s) => s.planogram],
  ['cold chain', (s) => s.coldChain],
  ['low stock', (s) => s.lowStock],
  ['sensor fault', (s) => s.sensorFault],
  ['store outage', (s) => s.storeOutage],
];

const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);

/** Seconds as the largest sensible unit: "45 s", "7.5 min", "2.1 h". */
export function formatDuration(s: number | null): string {
  if (s === null) return '—';
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Plain-text table for the console: one row per section, then the cold-chain false-alarm rate. */
export function formatTable(scores: EvalScores): string {
  // Task columns (tasks, false, dup) then truth columns (warranted episodes, found, missed, short, censored).
  const header = ['', 'precision', 'recall', 'median delay', 'worst delay', 'tasks', 'false', 'dup', 'truth', 'found', 'missed', 'short', 'cut'];
  const rows = ROWS.map(([label, pick]) => {
    const s = pick(scores);
    return [label, pct(s.precision), pct(s.recall), formatDuration(s.medianDelayS), formatDuration(s.worstDelayS), ...[s.tasks, s.fp, s.duplicates, s.truthIntervals, s.detected, s.fn, s.excludedShort, s.censoredAtEnd].map(String)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const fa = scores.coldChainFalseAlarms;
  const rate = scores.falseAlarmsPerCaseDay === null ? '—' : scores.falseAlarmsPerCaseDay.toFixed(3);
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `cold-chain false alarms per case per day: ${rate} (${fa.count} over ${fa.caseDays.toFixed(1)} case-days; near defrost ${fa.nearDefrost}, near door opening ${fa.nearDoorOpen}, other ${fa.other})`,
    forecastLine(scores),
    refrigerationLine(scores),
    `store outages: ${scores.storeOutage.outages}, sensor-fault tasks per outage: ${scores.storeOutage.tasksPerOutage === null ? '—' : scores.storeOutage.tasksPerOutage.toFixed(2)} (goal 1)`,
    'truth = warranted episodes; short = too brief to warrant a task; cut = still young when the run ended (see eval/README.md)',
    `runs: ${scores.runs} (${scores.scenarios.join(', ') || 'unnamed'}), simulated ${scores.simulatedDays.toFixed(2)} days`,
  ].join('\n');
}

function refrigerationLine(scores: EvalScores): string {
  const r = scores.forecast.refrigeration;
  const rate = r.falseWarningsPerCaseMonth === null ? '—' : r.falseWarningsPerCaseMonth.toFixed(3);
  return `refrigeration failures warned ≥ ${r.leadH} h before the product limit: ${pct(r.warnedShare)} (${r.warned} of ${r.failures}; not counted: ${r.notCrossed} never crossed, ${r.excludedEarly} before a normal was learned), median lead ${r.medianLeadH ?? '—'} h; false warnings per case-month ${rate} (${r.falseWarnings} of ${r.warnings} over ${r.caseMonths.toFixed(2)} case-months) (goals ≥ 90 %, ≤ 0.1)`;
}

function forecastLine(scores: EvalScores): string {
  const f = scores.forecast.outOfStock;
  const rate = f.falseWarningsPerSlotDay === null ? '—' : f.falseWarningsPerSlotDay.toFixed(3);
  return `sell-outs warned ≥ ${f.leadMin} min ahead: ${pct(f.warnedShare)} (${f.warned} of ${f.sellOuts}; any warning ${pct(f.anyWarningShare)}), median lead ${f.medianLeadMin ?? '—'} min; false warnings per slot-day ${rate} (${f.falseWarnings} of ${f.warnings}, ${f.censored} cut) (goals ≥ 80 %, ≤ 0.05)`;
}
