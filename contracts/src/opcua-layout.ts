import { z } from 'zod';

/**
 * Address space of a refrigeration case controller (one OPC UA server per controller,
 * one controller per case). Variables live under Objects/CaseController in the namespace
 * below; clients resolve the namespace index from the URI, never assume it.
 */
export const CASE_CONTROLLER_NAMESPACE = 'urn:shelfwatch:case-controller:v1';
export const CASE_CONTROLLER_OBJECT = 'CaseController';

export const CaseVariable = z.enum(['airTempC', 'setpointC', 'defrostActive', 'doorOpen', 'compressorRunning']);
export type CaseVariable = z.infer<typeof CaseVariable>;

const Temperature = z.number().finite().min(-60).max(80);

export const CASE_VARIABLES = {
  airTempC: { browseName: 'AirTemperature', dataType: 'Double', unit: '°C', schema: Temperature },
  setpointC: { browseName: 'Setpoint', dataType: 'Double', unit: '°C', schema: Temperature },
  defrostActive: { browseName: 'DefrostActive', dataType: 'Boolean', unit: null, schema: z.boolean() },
  doorOpen: { browseName: 'DoorOpen', dataType: 'Boolean', unit: null, schema: z.boolean() },
  compressorRunning: { browseName: 'CompressorRunning', dataType: 'Boolean', unit: null, schema: z.boolean() },
} as const satisfies Record<CaseVariable, { browseName: string; dataType: 'Double' | 'Boolean'; unit: string | null; schema: z.ZodType }>;

/** Identity properties, read once per session so a swapped controller is noticed. */
export const CASE_IDENTITY = {
  controllerId: { browseName: 'ControllerId', dataType: 'String' },
  caseId: { browseName: 'CaseId', dataType: 'String' },
} as const;

/** String node id (without namespace index) of a variable: "CaseController.AirTemperature". */
export function caseNodeId(browseName: string): string {
  return `${CASE_CONTROLLER_OBJECT}.${browseName}`;
}

export type CaseValueResult =
  | { ok: true; value: number | boolean }
  | { ok: false; detail: string };

export function parseCaseValue(variable: CaseVariable, value: unknown): CaseValueResult {
  const parsed = CASE_VARIABLES[variable].schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, detail: z.prettifyError(parsed.error) };
}
