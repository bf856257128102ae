import type { Product, RefrigeratedCase, Slot } from '@shelfwatch/contracts';
import type { LoadCellChannel } from './load-cell.js';
import type { ProbeFaults, ProbeSensor } from './probe-model.js';
import type { Rng } from './rng.js';
import type { CapacityLoss, CasePhysics, CaseState, Icing } from './thermal-case.js';

/** Units of another SKU sitting in a slot (a planogram violation). */
export interface MisplacedUnits {
  sku: string;
  units: number;
  unitWeightG: number;
  /** Shoppers buy the wrong product at this rate (0 = it stays until staff clear it). */
  soldPerS: number;
  rng: Rng | null;
}

export interface SlotSim {
  slot: Slot;
  shelfId: string;
  boardId: string;
  product: Product;
  /** True units of the planned SKU the slot holds (a unit in a shopper's hand still belongs to it). */
  units: number;
  facingsActual: number;
  misplaced: MisplacedUnits | null;
  /** Units a shopper holds right now (lifted to look at, to be put back). */
  lifted: number;
  /** Products pushed to the back: units present, the front (what a camera sees) empty. */
  pushedBack: number;
  cell: LoadCellChannel;
  rng: Rng;
  restockDueMs: number | null;
}

export interface DoorRush {
  openingsPerHour: number;
  openS: number;
  rng: Rng;
}


export interface CaseSim {
  def: RefrigeratedCase;
  physics: CasePhysics;
  state: CaseState;
  /** What the controller regulates to (a setpoint change moves it). */
  setpointC: number;
  defrostStartsOfDay: number[];
  defrostUntilMs: number | null;
  manualDefrost: number;
  doorOpenUntilMs: number;
  doorOpenSinceMs: number | null;
  ajar: number;
  compressorFailed: number;
  fanFailed: number;
  coolingLosses: CapacityLoss[];
  /** An icing evaporator (null = none) and the share of capacity its ice takes now. */
  icing: Icing | null;
  ice: number;
  doorRushes: DoorRush[];
  rng: Rng;
}

export interface ProbeSim {
  id: string;
  caseId: string;
  placement: 'air' | 'product';
  sensor: ProbeSensor;
  faults: ProbeFaults;
  /** Wireless link down (probe_disconnect mode offline): no messages, broker publishes the last will. */
  offline: number;
}

export interface BoardFaults {
  corruptRate: number;
  dropRate: number;
  disconnected: number;
}

/** How a backhaul outage delivers what the gateway held: in order afterwards, or reordered within a window. */
export type BackhaulDelivery = 'backlog' | 'shuffled';

/** The store's network between gateway and backend, and the gateway itself. */
export interface NetworkState {
  gatewayDown: number;
  backhaul: { delivery: BackhaulDelivery; windowS: number } | null;
}
