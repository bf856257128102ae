import type { CaseVariable } from '@shelfwatch/contracts';

export interface ControllerValues {
  airTempC: number;
  setpointC: number;
  defrostActive: boolean;
  doorOpen: boolean;
  compressorRunning: boolean;
}

export interface ValueChange {
  variable: CaseVariable;
  value: number | boolean;
  sourceTsMs: number;
}

export interface ControllerFirmwareOptions {
  controllerId: string;
  quantumC: number;
  minUpdateMs: number;
}

const ORDER: CaseVariable[] = ['airTempC', 'setpointC', 'defrostActive', 'doorOpen', 'compressorRunning'];

/**
 * What a case controller puts into its OPC UA variables: booleans when they change, the
 * air temperature quantised and at most every minUpdateMs. Pure.
 */
export class ControllerFirmware {
  private readonly current = new Map<CaseVariable, { value: number | boolean; sourceTsMs: number }>();
  private lastAirMs = -Infinity;

  constructor(private readonly opts: ControllerFirmwareOptions) {}

  get controllerId(): string {
    return this.opts.controllerId;
  }

  tick(nowMs: number, values: ControllerValues): ValueChange[] {
    const changes: ValueChange[] = [];
    for (const variable of ORDER) {
      let value: number | boolean = values[variable];
      if (typeof value === 'number') value = Math.round(value / this.opts.quantumC) * this.opts.quantumC;
      if (typeof value === 'number') value = Math.round(value * 1000) / 1000;
      const prev = this.current.get(variable);
      if (prev && prev.value === value) continue;
      if (variable === 'airTempC' && prev && nowMs - this.lastAirMs < this.opts.minUpdateMs) continue;
      if (variable === 'airTempC') this.lastAirMs = nowMs;
      this.current.set(variable, { value, sourceTsMs: nowMs });
      changes.push({ variable, value, sourceTsMs: nowMs });
    }
    return changes;
  }

  /** The latest value of every variable with the time it was set (for a server restart). */
  snapshot(): ValueChange[] {
    return ORDER.flatMap((variable) => {
      const v = this.current.get(variable);
      return v ? [{ variable, value: v.value, sourceTsMs: v.sourceTsMs }] : [];
    });
  }
}
