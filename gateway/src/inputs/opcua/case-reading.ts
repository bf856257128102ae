import { parseCaseValue, readingId, type CaseVariable, type Reading } from '@shelfwatch/contracts';

export type CaseValueOutcome = { ok: true; reading: Reading } | { ok: false; reason: 'bad_status' | 'bad_value'; detail: string };

export interface CaseValueInput {
  storeId: string;
  controllerId: string;
  caseId: string;
  variable: CaseVariable;
  value: unknown;
  statusGood: boolean;
  /** Source timestamp, else server timestamp, else the gateway's clock. */
  tsMs: number;
}

/** Pure: one monitored-item notification → a normalised controller reading, or why not. */
export function caseValueToReading(input: CaseValueInput): CaseValueOutcome {
  if (!input.statusGood) return { ok: false, reason: 'bad_status', detail: `${input.variable}: status not Good` };
  const parsed = parseCaseValue(input.variable, input.value);
  if (!parsed.ok) return { ok: false, reason: 'bad_value', detail: `${input.variable}: ${parsed.detail}` };
  const base = {
    id: readingId.controller(input.controllerId, input.variable, input.tsMs),
    storeId: input.storeId,
    deviceId: input.controllerId,
    ts: input.tsMs,
    caseId: input.caseId,
  };
  const v = parsed.value;
  switch (input.variable) {
    case 'airTempC':
      return { ok: true, reading: { ...base, kind: 'case.air_temperature', tempC: v as number } };
    case 'setpointC':
      return { ok: true, reading: { ...base, kind: 'case.setpoint', tempC: v as number } };
    case 'defrostActive':
      return { ok: true, reading: { ...base, kind: 'case.defrost', active: v as boolean } };
    case 'doorOpen':
      return { ok: true, reading: { ...base, kind: 'case.door', open: v as boolean } };
    case 'compressorRunning':
      return { ok: true, reading: { ...base, kind: 'case.compressor', running: v as boolean } };
  }
}
