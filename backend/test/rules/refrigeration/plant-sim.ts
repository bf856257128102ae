import type { Reading } from '@shelfwatch/contracts';
import { ctl, MIN, T0 } from '../timeline.js';

/**
 * A refrigerated case and its plant, first-order: heat leaks in towards the store temperature
 * (faster with the door open), the running compressor removes `coolingCPerH` × the capacity left,
 * the thermostat cycles it between setpoint ± 1 °C, off-cycle defrosts stop it. What the
 * controller publishes: air, compressor, defrost and door on change (air in 0.1 °C steps, checked
 * every 10 s like the controller's scan), so a phase's start and end temperatures are what the
 * thermostat switched at.
 */
export interface PlantSimOptions {
  hours: number;
  setpointC?: number;
  coolingCPerH?: number;
  airTauMin?: number;
  /** Store temperature by minute from the start (default 20 °C ± 3 °C over the day, warmest mid-afternoon). */
  storeC?: (tMin: number) => number;
  /** Share of the compressor's capacity left, by minute and store temperature (default 1). */
  capacity?: (tMin: number, storeC: number) => number;
  /** Frost on the coil: capacity lost per running hour, share a defrost melts. */
  icing?: { fromMin: number; lossPerRunH: number; defrostClears: number };
  /** Minutes of the day defrosts start (default 0, 360, 720, 1080), each `defrostMin` long. */
  defrostsAtMinOfDay?: number[];
  defrostMin?: number;
  /** Whether the door is open in a given minute-of-run (default: an 8-s opening at 10 and 40 past every hour from 07:00 to 21:00). */
  doorOpen?: (tS: number) => boolean;
}

export interface PlantSim {
  readings: Reading[];
  /** Per minute: the air, the compressor, and a product (simulant) lagging the air by 2 h. */
  samples: { ts: number; airC: number; productC: number; running: boolean }[];
}

const CASE = 'case-5';

export const defaultStoreC = (tMin: number): number => 20 + 3 * Math.sin((2 * Math.PI * (tMin / 60 - 9)) / 24);

export function shopperDoor(tS: number): boolean {
  const hourOfDay = Math.floor(tS / 3600) % 24;
  const s = tS % 1800;
  return hourOfDay >= 7 && hourOfDay < 21 && s >= 600 && s < 608;
}

export function simulatePlant(o: PlantSimOptions): PlantSim {
  const setpoint = o.setpointC ?? 2;
  const cooling = o.coolingCPerH ?? 30;
  const tau = (o.airTauMin ?? 150) * 60;
  const storeC = o.storeC ?? defaultStoreC;
  const defrosts = o.defrostsAtMinOfDay ?? [0, 360, 720, 1080];
  const defrostMin = o.defrostMin ?? 30;
  const doorOpen = o.doorOpen ?? shopperDoor;
  const readings: Reading[] = [ctl(CASE, T0, 'case.setpoint', setpoint), ctl(CASE, T0, 'case.defrost', false), ctl(CASE, T0, 'case.door', false), ctl(CASE, T0, 'case.compressor', false)];
  const samples: PlantSim['samples'] = [];
  let air = setpoint;
  let running = false;
  let defrost = false;
  let door = false;
  let ice = 0;
  let product = setpoint;
  let publishedAirC: number | null = null;
  const dt = 10;
  for (let tS = 0; tS <= o.hours * 3600; tS += dt) {
    const ts = T0 + tS * 1000;
    const tMin = tS / 60;
    const minOfDay = tMin % 1440;
    const inDefrost = defrosts.some((d) => minOfDay >= d && minOfDay < d + defrostMin);
    if (inDefrost !== defrost) {
      defrost = inDefrost;
      readings.push(ctl(CASE, ts, 'case.defrost', defrost));
      if (!defrost && o.icing) ice *= 1 - o.icing.defrostClears;
    }
    const open = doorOpen(tS);
    if (open !== door) {
      door = open;
      readings.push(ctl(CASE, ts, 'case.door', door));
    }
    const calling: boolean = air >= setpoint + 1 ? true : air <= setpoint - 1 ? false : running;
    const run: boolean = calling && !defrost;
    if (run !== running) {
      running = run;
      readings.push(ctl(CASE, ts, 'case.compressor', running));
    }
    const store = storeC(tMin);
    const left = (o.capacity?.(tMin, store) ?? 1) * (1 - ice);
    if (o.icing && running && tMin >= o.icing.fromMin) ice = Math.min(0.95, ice + (o.icing.lossPerRunH * dt) / 3600);
    const leak = ((door ? 25 : 1) * (store - air)) / tau;
    air += (leak - (running ? (cooling * left) / 3600 : 0)) * dt;
    product += (air - product) * (dt / (120 * 60));
    const airC = Math.round(air * 10) / 10;
    if (airC !== publishedAirC) {
      publishedAirC = airC;
      readings.push(ctl(CASE, ts, 'case.air_temperature', airC));
    }
    if (tS % 60 === 0) samples.push({ ts, airC, productC: product, running });
  }
  return { readings, samples };
}

export const minutesFrom = (ts: number): number => (ts - T0) / MIN;
