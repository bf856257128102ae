import { describe, expect, it } from 'vitest';
import { buildHaccpReport, HACCP_CSV_COLUMNS, renderHaccpCsv } from '../../src/reports/index.js';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const MIN = 60_000;

/** A small RFC 4180 parser, enough to read back what the renderer wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('renderHaccpCsv', () => {
  const report = buildHaccpReport({
    caseId: 'case-1',
    from: T0,
    to: T0 + 30 * MIN,
    limitC: 5,
    series: [
      {
        sensor: 'pr-2',
        source: 'probe',
        placement: 'product',
        buckets: [3, 6, 7, 4, 3, 3].map((c, i) => ({ t: T0 + i * 5 * MIN, mean: c, min: c - 0.5, max: c + 0.5, samples: 5 })),
      },
    ],
    tasks: [{ id: 't-1', kind: 'temperature_excursion', raisedAt: T0 + 10 * MIN, closedAt: T0 + 25 * MIN, closedBy: 'omar', note: '=HYPERLINK("x"), moved stock\nto case 3' }],
  });
  const csv = renderHaccpCsv(report);
  const rows = parseCsv(csv);

  it('starts with the header and every line has every column', () => {
    expect(rows[0]).toEqual([...HACCP_CSV_COLUMNS]);
    for (const r of rows) expect(r).toHaveLength(HACCP_CSV_COLUMNS.length);
  });

  it('has a summary, one sensor line, the 15-minute readings, the excursion and its corrective action', () => {
    const kinds = rows.slice(1).map((r) => r[0]);
    expect(kinds).toEqual(['summary', 'sensor', 'reading', 'reading', 'excursion', 'corrective_action']);
    const col = (r: string[], name: (typeof HACCP_CSV_COLUMNS)[number]) => r[HACCP_CSV_COLUMNS.indexOf(name)];
    const reading = rows[3]!;
    expect(col(reading, 'from')).toBe('2026-11-23T08:00:00.000Z');
    expect(col(reading, 'to')).toBe('2026-11-23T08:15:00.000Z');
    expect(Number(col(reading, 'max_c'))).toBe(7.5);
    const excursion = rows[5]!;
    expect(Number(col(excursion, 'peak_c'))).toBe(7.5);
    expect(Number(col(excursion, 'minutes_above_limit'))).toBe(10);
    expect(col(rows[1]!, 'mkt_c')).toBe(String(report.mktC));
  });

  it('quotes free text and never lets a note become a spreadsheet formula', () => {
    const action = rows[rows.length - 1]!;
    expect(action[HACCP_CSV_COLUMNS.indexOf('note')]).toBe(`'=HYPERLINK("x"), moved stock\nto case 3`);
    expect(csv).toContain('"\'=HYPERLINK(""x""), moved stock\nto case 3"');
  });
});
