/**
 * Thermal model of one refrigerated case: the air in the case (what the controller and
 * the air probe read) and the product (a first-order lag behind the air, what food
 * safety is about). The case's own controller cycles the compressor with hysteresis
 * around the setpoint, pauses it during defrost, and runs the heater on electric defrost.
 */
export interface CasePhysics {
  /** Time constant of heat leaking in from the store with the case closed, minutes. */
  airTauMin: number;
  /** Heat leak multiplier while a door is open (door cases). */
  doorOpenLeakFactor: number;
  /** Cooling capacity of the running compressor, °C per hour of air temperature. */
  coolingCPerH: number;
  /** Fraction of the cooling that reaches the air when the evaporator fan has failed. */
  fanFailedCoolingFraction: number;
  /** Electric defrost heater, °C per hour (0 = off-cycle defrost, usual for chilled). */
  heaterCPerH: number;
  /** Product (simulant) time constant behind the air, minutes. */
  productTauMin: number;
  /** Width of the compressor's cut-in/cut-out band around the setpoint, °C. */
  hysteresisC: number;
  defrostsPerDay: number;
  defrostMin: number;
  /** Door openings by shoppers per hour at an average hour (scaled by the demand curve). */
  doorOpeningsPerHour: number;
  doorOpenS: number;
}

export interface CaseInputs {
  ambientC: number;
  setpointC: number;
  doorOpen: boolean;
  defrostActive: boolean;
  compressorFailed: boolean;
  fanFailed: boolean;
}

export interface CaseState {
  airC: number;
  productC: number;
  /** The controller's demand for cooling (hysteresis latch). */
  callingForCooling: boolean;
  compressorRunning: boolean;
}

export function initialCaseState(setpointC: number): CaseState {
  return { airC: setpointC, productC: setpointC, callingForCooling: false, compressorRunning: false };
}

/** Advances the case by dtS seconds. Pure: returns the next state. */
export function stepCase(state: CaseState, inputs: CaseInputs, physics: CasePhysics, dtS: number): CaseState {
  const half = physics.hysteresisC / 2;
  let calling = state.callingForCooling;
  if (state.airC >= inputs.setpointC + half) calling = true;
  else if (state.airC <= inputs.setpointC - half) calling = false;
  const running = calling && !inputs.defrostActive && !inputs.compressorFailed;

  const coolingPerS = running ? (physics.coolingCPerH / 3600) * (inputs.fanFailed ? physics.fanFailedCoolingFraction : 1) : 0;
  const heaterPerS = inputs.defrostActive ? physics.heaterCPerH / 3600 : 0;
  // Exact solution of the linear leak over dt keeps large steps stable; cooling and heating are constant over the step.
  const k = (inputs.doorOpen ? physics.doorOpenLeakFactor : 1) / (physics.airTauMin * 60);
  const drive = inputs.ambientC + (heaterPerS - coolingPerS) / k;
  const airC = drive + (state.airC - drive) * Math.exp(-k * dtS);

  // Product follows the mean air over the step (first-order lag).
  const meanAir = (state.airC + airC) / 2;
  const productC = meanAir + (state.productC - meanAir) * Math.exp(-dtS / (physics.productTauMin * 60));
  return { airC, productC, callingForCooling: calling, compressorRunning: running };
}

/** Store temperature at which a condenser's rated capacity holds (the scenarios' default store). */
export const CONDENSER_REFERENCE_C = 21;

/**
 * A slow failure of the refrigeration plant, as a share of the compressor's heat removal lost.
 * A refrigerant leak loses `lossAtRefC` whatever the store does; a fouled condenser (dirty coil,
 * failing condenser fan) rejects heat worse the warmer the air it blows, so it also loses
 * `lossPerC` for every °C of store above CONDENSER_REFERENCE_C (less in a cool store). Both
 * develop linearly over rampMs from startMs and then stay.
 */
export interface CapacityLoss {
  startMs: number;
  rampMs: number;
  lossAtRefC: number;
  lossPerC: number;
}

/** Share of the nominal cooling capacity left after gradual losses (1 = all), at the store temperature. */
export function capacityLeft(losses: readonly CapacityLoss[], ambientC: number, atMs: number): number {
  let left = 1;
  for (const loss of losses) {
    const progress = loss.rampMs <= 0 ? 1 : Math.min(1, Math.max(0, (atMs - loss.startMs) / loss.rampMs));
    const lost = loss.lossAtRefC + loss.lossPerC * (ambientC - CONDENSER_REFERENCE_C);
    left *= 1 - progress * Math.min(1, Math.max(0, lost));
  }
  return left;
}

/**
 * An icing evaporator: frost builds on the coil while the compressor runs (moist air meets the
 * cold coil) and blocks the airflow, so the share of capacity lost grows by `lossPerRunH` per
 * hour of running. A defrost melts only `defrostClears` of it (a short or badly terminated
 * defrost, a blocked drain refreezing), so what is left builds up defrost after defrost.
 */
export interface Icing {
  lossPerRunH: number;
  defrostClears: number;
}

/** Largest share of capacity an iced coil can lose (air still passes around the block). */
const MAX_ICE_LOSS = 0.95;

/** Ice after dtS seconds: grows while the compressor runs. */
export function growIce(ice: number, icing: Icing, compressorRunning: boolean, dtS: number): number {
  return compressorRunning ? Math.min(MAX_ICE_LOSS, ice + (icing.lossPerRunH * dtS) / 3600) : ice;
}

/** Ice left after a defrost. */
export function meltIce(ice: number, icing: Icing): number {
  return ice * (1 - icing.defrostClears);
}

/** Start times (ms of the day, from local midnight) of the scheduled defrosts of a case. */
export function defrostStarts(physics: CasePhysics, phaseFraction: number): number[] {
  const n = Math.max(0, Math.floor(physics.defrostsPerDay));
  const day = 86_400_000;
  return Array.from({ length: n }, (_, i) => Math.floor(((i + phaseFraction) / n) * day) % day);
}

export type CaseType = 'multideck' | 'door' | 'island';
export type CaseCategory = 'chilled' | 'frozen';

/** Defaults by case type and category; scenarios override any field. */
export function defaultPhysics(type: CaseType, category: CaseCategory): CasePhysics {
  const frozen = category === 'frozen';
  switch (type) {
    case 'multideck':
      return {
        airTauMin: 60,
        doorOpenLeakFactor: 1,
        coolingCPerH: 40,
        fanFailedCoolingFraction: 0.1,
        heaterCPerH: frozen ? 20 : 0,
        productTauMin: frozen ? 240 : 120,
        hysteresisC: 2,
        defrostsPerDay: 4,
        defrostMin: 30,
        doorOpeningsPerHour: 0,
        doorOpenS: 0,
      };
    case 'door':
      return {
        airTauMin: frozen ? 240 : 180,
        doorOpenLeakFactor: 25,
        coolingCPerH: frozen ? 35 : 20,
        fanFailedCoolingFraction: 0.1,
        heaterCPerH: frozen ? 20 : 0,
        productTauMin: frozen ? 240 : 120,
        hysteresisC: 2,
        defrostsPerDay: 1,
        defrostMin: frozen ? 20 : 20,
        doorOpeningsPerHour: 12,
        doorOpenS: 8,
      };
    case 'island':
      return {
        airTauMin: 300,
        doorOpenLeakFactor: 1,
        coolingCPerH: 20,
        fanFailedCoolingFraction: 0.1,
        heaterCPerH: frozen ? 15 : 0,
        productTauMin: frozen ? 300 : 150,
        hysteresisC: 2,
        defrostsPerDay: 2,
        defrostMin: 20,
        doorOpeningsPerHour: 0,
        doorOpenS: 0,
      };
  }
}
