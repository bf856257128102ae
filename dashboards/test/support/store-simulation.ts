import {
  gatewayStatsPoints,
  kpiPoints,
  readingId,
  readingToPoint,
  Reading,
  taskEventPoint,
  type InfluxPointShape,
  type KpiSnapshot,
  type TaskKind,
  type TaskSeverity,
} from '@shelfwatch/contracts';

/**
 * A small store over a few simulated hours, as points built by the same contracts functions
 * the services use: readings through Reading + readingToPoint (the gateway's sink), task
 * events and KPIs through taskEventPoint / kpiPoints (the backend's exporter), and the
 * gateway's counters through gatewayStatsPoints (its stats reporter).
 *
 * What happens (minutes from start):
 *  - aisle 1 (shelf sh-1a, board wb-1, 3 slots) and aisle 2 (sh-2a, wb-2, 2 slots); shoppers
 *    empty slot s2 fast: out of stock until staff restock it; camera cam-1 scans every 5 min
 *    and sees the wrong product in s5 between 60 and 120;
 *  - case-1 (chilled, setpoint 3 °C): defrost 60–85, door open 150–153, compressor fails
 *    150–200 → product above 5 °C → temperature excursion task, done at 230 with a note;
 *  - case-2 (frozen, -21 °C): defrost 90–110, product stays below -18 °C;
 *  - probe pr-3's battery runs down and it goes offline at 220 for good;
 *  - the backend sink of the gateway is down 100–120 (outbox grows), some frames rejected;
 *    at 125 the gateway dead-letters one poison reading.
 */
export interface SimulationOptions {
  start: number;
  minutes: number;
  storeId?: string;
  seed?: number;
}

export interface SimulatedTask {
  id: string;
  kind: TaskKind;
  caseId?: string;
  raisedAt: number;
  acknowledgedAt: number | null;
  closedAt: number | null;
  closedBy: string | null;
  note: string | null;
}

export interface Simulation {
  storeId: string;
  start: number;
  end: number;
  readings: Reading[];
  /** Every point to write: readings plus the backend's and the gateway's own points. */
  points: InfluxPointShape[];
  tasks: SimulatedTask[];
  caseIds: string[];
  aisles: string[];
}

const MIN = 60_000;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SlotSim {
  id: string;
  shelfId: string;
  aisle: string;
  boardId: string;
  channel: number;
  sku: string;
  unitWeightG: number;
  offsetCounts: number;
  countsPerGram: number;
  capacity: number;
  salesPerMin: number;
  units: number;
  emptySince: number | null;
  task: SimulatedTask | null;
}

interface CaseSim {
  id: string;
  controllerId: string;
  category: 'chilled' | 'frozen';
  setpointC: number;
  limitC: number;
  airProbe: string;
  productProbe: string;
  productTauMin: number;
  air: number;
  product: number;
  defrost: [number, number];
  door: [number, number] | null;
  failure: [number, number] | null;
  defrostOn: boolean;
  doorOpen: boolean;
  compressor: boolean;
  minutesAbove: number;
  inAlarm: boolean;
  task: SimulatedTask | null;
  /** Share of recent time the compressor ran, % (a 30-minute moving average). */
  duty: number;
}

export function simulateStore(options: SimulationOptions): Simulation {
  const storeId = options.storeId ?? 'store-1';
  const rnd = prng(options.seed ?? 7);
  const noise = (amplitude: number) => (rnd() * 2 - 1) * amplitude;
  const readings: Reading[] = [];
  const extra: InfluxPointShape[] = [];
  const tasks: SimulatedTask[] = [];
  const seq = new Map<string, number>();
  const nextSeq = (device: string) => {
    const n = (seq.get(device) ?? 0) + 1;
    seq.set(device, n);
    return n;
  };
  const add = (r: Reading) => readings.push(Reading.parse(r));

  let eventSeq = 0;
  const taskEvent = (task: SimulatedTask, event: 'raised' | 'acknowledged' | 'done' | 'resolved', at: number, severity: TaskSeverity) => {
    extra.push(taskEventPoint({ seq: ++eventSeq, type: event, task: { id: task.id, storeId, kind: task.kind, severity, raisedAt: task.raisedAt, updatedAt: at } }));
  };

  const slot = (id: string, shelfId: string, aisle: string, boardId: string, channel: number, sku: string, unitWeightG: number, salesPerMin: number): SlotSim => ({
    id,
    shelfId,
    aisle,
    boardId,
    channel,
    sku,
    unitWeightG,
    offsetCounts: 8000 + channel * 37,
    countsPerGram: 42.5,
    capacity: 20,
    salesPerMin,
    units: 20,
    emptySince: null,
    task: null,
  });
  const slots = [
    slot('s1', 'sh-1a', '1', 'wb-1', 0, 'OATMILK-1L', 1040, 0.05),
    slot('s2', 'sh-1a', '1', 'wb-1', 1, 'PASTA-500', 510, 0.25),
    slot('s3', 'sh-1a', '1', 'wb-1', 2, 'RICE-1KG', 1010, 0.04),
    slot('s4', 'sh-2a', '2', 'wb-2', 0, 'TOMATO-400', 425, 0.06),
    slot('s5', 'sh-2a', '2', 'wb-2', 1, 'BEANS-400', 415, 0.05),
  ];
  const cases: CaseSim[] = [
    {
      id: 'case-1',
      controllerId: 'ctl-1',
      category: 'chilled',
      setpointC: 3,
      limitC: 5,
      airProbe: 'pr-1',
      productProbe: 'pr-2',
      productTauMin: 25,
      air: 3,
      product: 3.5,
      defrost: [60, 85],
      door: [150, 153],
      failure: [150, 200],
      defrostOn: false,
      doorOpen: false,
      compressor: true,
      minutesAbove: 0,
      duty: 50,
      inAlarm: false,
      task: null,
    },
    {
      id: 'case-2',
      controllerId: 'ctl-2',
      category: 'frozen',
      setpointC: -21,
      limitC: -18,
      airProbe: 'pr-3',
      productProbe: 'pr-4',
      productTauMin: 90,
      air: -21,
      product: -20.5,
      defrost: [90, 110],
      door: null,
      failure: null,
      defrostOn: false,
      doorOpen: false,
      compressor: true,
      minutesAbove: 0,
      duty: 50,
      inAlarm: false,
      task: null,
    },
  ];
  const within = (m: number, span: [number, number] | null) => span !== null && m >= span[0] && m < span[1];
  const battery = (probe: string, m: number) => (probe === 'pr-3' ? Math.max(1, 24 - m * 0.09) : 96 - m * 0.004);
  const deadProbe = { id: 'pr-3', at: 220 };

  const status = (deviceId: string, deviceKind: 'weight_board' | 'camera' | 'probe' | 'controller', online: boolean, ts: number, detail: string) =>
    add({ kind: 'device.status', id: readingId.status(deviceId, ts, online), storeId, deviceId, ts, deviceKind, online, detail });

  const t0 = options.start;
  for (const b of ['wb-1', 'wb-2']) status(b, 'weight_board', true, t0, 'serial port open');
  status('cam-1', 'camera', true, t0, 'mqtt connected');
  for (const c of cases) {
    status(c.controllerId, 'controller', true, t0, 'opc ua session active');
    status(c.airProbe, 'probe', true, t0, 'mqtt connected');
    status(c.productProbe, 'probe', true, t0, 'mqtt connected');
  }

  const counters = { rejectedSerial: 0, rejectedMqttSchema: 0, rejectedMqttUnknown: 0, influxWritten: 0, backendWritten: 0, backendPending: 0, backendOldest: 0, backendPoison: 0 };

  for (let m = 0; m < options.minutes; m++) {
    const ts = t0 + m * MIN;

    // Shelves: shoppers take units; staff restock an empty slot about 40 min after its task.
    for (const s of slots) {
      if (s.units > 0 && rnd() < s.salesPerMin * 2) s.units = Math.max(0, s.units - (rnd() < 0.2 ? 2 : 1));
      if (s.units === 0 && s.emptySince === null) s.emptySince = m;
      if (s.emptySince !== null && s.task === null && m - s.emptySince >= 5) {
        s.task = { id: `t-oos-${s.id}-${m}`, kind: 'out_of_stock', raisedAt: ts, acknowledgedAt: null, closedAt: null, closedBy: null, note: null };
        tasks.push(s.task);
        taskEvent(s.task, 'raised', ts, 'warning');
      }
      if (s.task && s.task.acknowledgedAt === null && ts - s.task.raisedAt >= 4 * MIN) {
        s.task.acknowledgedAt = ts;
        taskEvent(s.task, 'acknowledged', ts, 'warning');
      }
      if (s.task && ts - s.task.raisedAt >= 40 * MIN) {
        s.units = s.capacity;
        s.emptySince = null;
        s.task.closedAt = ts;
        s.task.closedBy = 'staff-anna';
        s.task.note = 'Restocked from backroom';
        taskEvent(s.task, 'done', ts, 'warning');
        s.task = null;
      }
    }
    for (const board of ['wb-1', 'wb-2']) {
      const n = nextSeq(board);
      // One frame in ~80 fails its checksum: the gateway rejects it and no reading exists.
      if (rnd() < 0.0125) {
        counters.rejectedSerial++;
        continue;
      }
      for (const s of slots.filter((x) => x.boardId === board)) {
        const grams = s.units * s.unitWeightG + noise(3);
        add({
          kind: 'shelf.weight',
          id: readingId.weight(board, n, s.channel),
          storeId,
          deviceId: board,
          ts,
          shelfId: s.shelfId,
          slotId: s.id,
          sku: s.sku,
          channel: s.channel,
          rawCounts: Math.round(s.offsetCounts + grams * s.countsPerGram),
          grams: Math.round(grams * 10) / 10,
          units: s.units,
          stable: true,
          fault: null,
        });
      }
    }
    const wrongProduct = m >= 60 && m < 120;
    if (m % 5 === 0) {
      const n = nextSeq('cam-1');
      for (const s of slots) {
        const wrong = wrongProduct && s.id === 's5';
        add({
          kind: 'camera.slot',
          id: readingId.camera('cam-1', n, s.id),
          storeId,
          deviceId: 'cam-1',
          ts,
          shelfId: s.shelfId,
          slotId: s.id,
          skuSeen: s.units === 0 ? null : wrong ? 'SOUP-400' : s.sku,
          facings: Math.min(3, s.units),
          gap: s.units === 0,
          confidence: Math.round((0.86 + rnd() * 0.12) * 100) / 100,
        });
      }
      if (rnd() < 0.3) counters.rejectedMqttSchema++;
    }

    // Cases: first-order thermal model; air follows the refrigeration state, product follows air.
    const caseKpis: KpiSnapshot['cases'][number][] = [];
    for (const c of cases) {
      const defrost = within(m, c.defrost);
      const door = within(m, c.door);
      const failed = within(m, c.failure);
      const compressor = !defrost && !failed;
      if (defrost) c.air += (c.setpointC + 8 - c.air) * 0.15;
      else if (failed) c.air += 0.14 + (door ? 0.5 : 0);
      else c.air += (c.setpointC - c.air) * 0.2;
      if (door && !failed) c.air += 1.2;
      c.product += (c.air - c.product) / c.productTauMin;
      const airReading = c.air + noise(0.15);
      add({ kind: 'case.air_temperature', id: readingId.controller(c.controllerId, 'air', ts), storeId, deviceId: c.controllerId, ts, caseId: c.id, tempC: round2(airReading) });
      if (m === 0) add({ kind: 'case.setpoint', id: readingId.controller(c.controllerId, 'setpoint', ts), storeId, deviceId: c.controllerId, ts, caseId: c.id, tempC: c.setpointC });
      if (m === 0 || defrost !== c.defrostOn) {
        c.defrostOn = defrost;
        add({ kind: 'case.defrost', id: readingId.controller(c.controllerId, 'defrost', ts), storeId, deviceId: c.controllerId, ts, caseId: c.id, active: defrost });
      }
      if (m === 0 || door !== c.doorOpen) {
        c.doorOpen = door;
        add({ kind: 'case.door', id: readingId.controller(c.controllerId, 'door', ts), storeId, deviceId: c.controllerId, ts, caseId: c.id, open: door });
      }
      if (m === 0 || compressor !== c.compressor) {
        c.compressor = compressor;
        add({ kind: 'case.compressor', id: readingId.controller(c.controllerId, 'compressor', ts), storeId, deviceId: c.controllerId, ts, caseId: c.id, running: compressor });
      }
      for (const [probe, placement, value] of [
        [c.airProbe, 'air', c.air],
        [c.productProbe, 'product', c.product],
      ] as const) {
        if (probe === deadProbe.id && m >= deadProbe.at) continue;
        add({
          kind: 'probe.temperature',
          id: readingId.probe(probe, nextSeq(probe)),
          storeId,
          deviceId: probe,
          ts: ts + 7_000,
          caseId: c.id,
          placement,
          tempC: round2(value + noise(0.1)),
          fault: null,
          batteryPct: Math.round(battery(probe, m) * 10) / 10,
          rssiDbm: Math.round(-72 + noise(6)),
        });
      }
      // The rules' view (what the backend writes as kpi_case and tasks).
      if (c.product > c.limitC && !defrost) c.minutesAbove += 1;
      if (!c.task && c.product > c.limitC && c.minutesAbove >= 20) {
        c.inAlarm = true;
        c.task = { id: `t-temp-${c.id}-${m}`, kind: 'temperature_excursion', caseId: c.id, raisedAt: ts, acknowledgedAt: null, closedAt: null, closedBy: null, note: null };
        tasks.push(c.task);
        taskEvent(c.task, 'raised', ts, 'critical');
      }
      if (c.task && c.task.acknowledgedAt === null && ts - c.task.raisedAt >= 6 * MIN) {
        c.task.acknowledgedAt = ts;
        taskEvent(c.task, 'acknowledged', ts, 'critical');
      }
      if (c.task && c.task.closedAt === null && c.product < c.limitC - 1) {
        c.inAlarm = false;
        c.task.closedAt = ts;
        c.task.closedBy = 'staff-omar';
        c.task.note = 'Moved dairy to case 3, checked product core temp 6.1 °C, technician reset compressor relay';
        taskEvent(c.task, 'done', ts, 'critical');
      }
      // The plant as the rules judge it: learned after the first hours; a failed compressor is no capacity and needs service.
      c.duty += ((compressor ? 100 : 0) - c.duty) / 30;
      const learned = m >= 120;
      caseKpis.push({
        caseId: c.id,
        minutesAboveLimit: c.minutesAbove,
        inAlarm: c.inAlarm,
        plant: { dutyPct: c.duty, capacityPctOfNormal: learned ? (failed ? 10 : 100) : null, serviceNeeded: failed },
      });
    }
    if (m === deadProbe.at) status(deadProbe.id, 'probe', false, ts + 30_000, 'last will: battery empty');

    // KPIs, once per minute of event time.
    const availability = ['1', '2'].map((aisle) => {
      const inAisle = slots.filter((s) => s.aisle === aisle);
      const oos = inAisle.filter((s) => s.units === 0).length;
      return { aisle, onShelfPct: (100 * (inAisle.length - oos)) / inAisle.length, oosSlots: oos, slots: inAisle.length };
    });
    const compliance = ['sh-1a', 'sh-2a'].map((shelfId) => ({ shelfId, compliancePct: shelfId === 'sh-2a' && wrongProduct ? 50 : 100 }));
    // The sell-out forecast of each slot with stock: its pace, time to empty, and the units it expects an hour on (stamped then).
    const forecasts = slots
      .filter((s) => s.units > 0)
      .map((s) => {
        const perHour = s.salesPerMin * 60;
        return { aisle: s.aisle, slotId: s.id, sku: s.sku, units: s.units, salesPerHour: perHour, minutesToEmpty: s.units / s.salesPerMin, unitsInOneHour: Math.max(0, s.units - perHour) };
      });
    const openTasks = tasks.filter((t) => t.closedAt === null);
    const openByKind = (['out_of_stock', 'temperature_excursion', 'planogram_violation'] as const).map((kind) => ({
      kind,
      open: openTasks.filter((t) => t.kind === kind).length + (kind === 'planogram_violation' && m >= 70 && m < 120 ? 1 : 0),
    }));
    const kpis: KpiSnapshot = { storeId, at: ts, availability, compliance, cases: caseKpis, forecasts };
    extra.push(...kpiPoints(kpis, openByKind));

    // Gateway self-statistics every 30 s (cumulative counters, gauges).
    const readingsSoFar = readings.length;
    const backendDown = m >= 100 && m < 120;
    counters.influxWritten = readingsSoFar;
    if (backendDown) {
      if (counters.backendPending === 0) counters.backendOldest = ts;
      counters.backendPending = readingsSoFar - counters.backendWritten;
    } else {
      counters.backendWritten = readingsSoFar;
      counters.backendPending = 0;
    }
    for (const half of [0, 30_000]) {
      const at = ts + half;
      extra.push(
        ...gatewayStatsPoints({
          storeId,
          gatewayId: 'gw-1',
          at,
          rejected: [
            { input: 'serial', reason: 'bad_checksum', count: counters.rejectedSerial },
            { input: 'mqtt', reason: 'schema', count: counters.rejectedMqttSchema },
            { input: 'mqtt', reason: 'unknown_device', count: counters.rejectedMqttUnknown },
          ],
          sinks: [
            { sink: 'influx', written: counters.influxWritten, outboxDepth: Math.floor(rnd() * 20), outboxAgeS: round2(rnd() * 2) },
            { sink: 'backend', written: counters.backendWritten, outboxDepth: counters.backendPending, outboxAgeS: backendDown ? (at - counters.backendOldest) / 1000 : round2(rnd()) },
          ],
          deadLettered: ['influx', 'backend'].flatMap((sink) =>
            ['refused', 'poison'].map((reason) => ({ sink, reason, count: sink === 'backend' && reason === 'poison' ? counters.backendPoison : 0 })),
          ),
        }),
      );
    }
    if (m === 30) counters.rejectedMqttUnknown += 3;
    // A reading the backend keeps failing on is set aside once it is back.
    if (m === 125) counters.backendPoison += 1;
  }

  return {
    storeId,
    start: t0,
    end: t0 + options.minutes * MIN,
    readings,
    points: [...readings.map(readingToPoint), ...extra],
    tasks,
    caseIds: cases.map((c) => c.id),
    aisles: ['1', '2'],
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
