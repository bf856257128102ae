import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldLoop, setTimeout as sleep } from 'node:timers/promises';
import type { DeviceCredentials } from '@shelfwatch/contracts';
import { pino, type Logger } from 'pino';
import { SimEngine, type NetworkChange, type StepOutput } from './engine/sim-engine.js';
import { GroundTruthWriter } from './ground-truth-writer.js';
import type { Scenario } from './scenario/schema.js';
import { StatsCounter, type SimStats, type SimSummary } from './sim-stats.js';
import { MqttDeviceLink } from './transports/mqtt-device-link.js';
import { OpcuaControllerLink } from './transports/opcua-controller-link.js';
import { SerialBoardLink } from './transports/serial-board-link.js';

export interface SimulationOptions {
  scenario: Scenario;
  seed: number;
  /** Simulated seconds per wall-clock second. */
  speed: number;
  mqttUrl: string;
  credentials: DeviceCredentials;
  workDir: string;
  groundTruthPath?: string;
  /** Simulated seconds; defaults to the scenario's duration. */
  durationS?: number;
  logger?: Logger;
  onProgress?: (p: { simTimeMs: number; readingsSent: number }) => void;
  /**
   * The gateway or its backhaul goes down or comes back (timeline events the devices cannot
   * play: the run's harness stops the gateway, cuts the link). The simulated clock waits
   * until the returned promise settles, so the change happens at the same simulated time at
   * any speed.
   */
  onNetworkChange?: (change: NetworkChange & { atMs: number }) => Promise<void>;
  /** MQTT publishes awaiting PUBACK per device. */
  maxInFlightPerDevice?: number;
}

export interface Simulation {
  /** Serial paths per board, OPC UA endpoints per controller, and each controller's certificate (DER) for the gateway's trust list. */
  endpoints: { boards: Record<string, string>; controllers: Record<string, string>; controllerCertificates: Record<string, Buffer> };
  run(): Promise<SimSummary>;
  /**
   * Stops producing, then (optionally) waits for `beforeDisconnect` — e.g. until the
   * gateway has read what is still in flight on the serial lines — before unplugging.
   */
  stop(options?: { beforeDisconnect?: () => Promise<void> }): Promise<SimSummary>;
  stats(): SimStats;
  restock(slotId: string, units?: number): void;
  /** Goods into the backroom: at the next step, or at `atMs` simulated time (a supplier's lead time from the order). */
  receiveDelivery(sku: string, units: number, atMs?: number): void;
}

/** Backlog (frames + publishes not yet handed over) above which the clock waits for the transports. */
const MAX_BACKLOG = 5_000;
/**
 * Frames handed to a serial line but not yet taken by the OS, per board, above which the
 * clock waits (down to SERIAL_LOW): a busy machine then slows the simulation instead of
 * losing frames, so what is sent does not depend on the load. Only a reader gone for
 * SERIAL_WAIT_MS (a gateway that died without saying BYE) makes the boards lose frames.
 */
const SERIAL_HIGH = 16;
const SERIAL_LOW = 2;
const SERIAL_WAIT_MS = 60_000;
/**
 * Simulated time a device's messages may wait in its transport before the clock waits for
 * them: half the backend's reordering window (10 min), so the order in which devices'
 * readings arrive never depends on the speed or the machine's load beyond what the backend
 * absorbs. (A subscription publishing every 250 ms of wall time is 5 simulated minutes at 1200×.)
 */
const MAX_SKEW_MS = 5 * 60_000;
/**
 * How long a link change may take (socat, a controller reboot, the host reopening or
 * re-subscribing) before the clock goes on without it. Generous: on a loaded machine a host's
 * backoff plus an encrypted OPC UA session takes well over 15 s, and a clock that goes on
 * without it makes the device look offline for simulated minutes that depend on the load.
 * Only a host that is really gone (a gateway outage) costs this wait, once.
 */
const LINK_SETTLE_MS = 60_000;
const FIRMWARE = 'sim-1.0.0';

/**
 * Phase one: builds the world, the serial lines and the OPC UA servers, so a gateway can
 * attach to `endpoints`. Phase two, run(): MQTT devices connect and the clock starts.
 */
export async function createSimulation(opts: SimulationOptions): Promise<Simulation> {
  if (!(opts.speed > 0)) throw new RangeError(`speed must be > 0, got ${opts.speed}`);
  const logger = opts.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const { layout } = opts.scenario;
  const storeId = layout.store.id;
  await mkdir(opts.workDir, { recursive: true });
  const writer = opts.groundTruthPath ? new GroundTruthWriter(opts.groundTruthPath) : null;
  await writer?.open();
  const engine = new SimEngine({
    scenario: opts.scenario,
    seed: opts.seed,
    sink: (e) => writer?.write(e),
    ...(opts.durationS === undefined ? {} : { durationS: opts.durationS }),
  });
  const world = engine.world;
  const counter = new StatsCounter();
  const password = (deviceId: string): string => {
    const entry = opts.credentials[deviceId];
    if (!entry) throw new Error(`no credentials for device '${deviceId}'`);
    return entry.password;
  };

  const boards = new Map<string, SerialBoardLink>();
  const controllers = new Map<string, OpcuaControllerLink>();
  const mqttLinks = new Map<string, MqttDeviceLink>();
  const cleanup = async () => {
    await Promise.all([...mqttLinks.values()].map((l) => l.stop().catch(() => undefined)));
    await Promise.all([...boards.values()].map((l) => l.disconnect().catch(() => undefined)));
    for (const c of controllers.values()) await c.stop().catch(() => undefined);
  };

  try {
    for (const cam of layout.cameras) password(cam.id);
    for (const c of layout.cases) for (const p of c.probes) password(p.id);
    const serialDir = path.join(opts.workDir, 'serial');
    await mkdir(serialDir, { recursive: true });
    const shelves = [...layout.shelves];
    // socat pairs start a few at a time: each is a process, and two cores are shared.
    for (let i = 0; i < shelves.length; i += 8) {
      await Promise.all(
        shelves.slice(i, i + 8).map(async (shelf) => {
          const link = new SerialBoardLink({ boardId: shelf.boardId, dir: serialDir, logger });
          boards.set(shelf.boardId, link);
          await link.connect();
        }),
      );
    }
    const pkiDir = path.join(opts.workDir, 'opcua-pki');
    const initial = new Map(engine.initialControllerValues().map((c) => [c.controllerId, c.changes]));
    // The first server creates the per-simulation certificate; the rest reuse it, a few at a time.
    const startController = async (c: (typeof layout.cases)[number]) => {
      const link = new OpcuaControllerLink({ controllerId: c.controllerId, caseId: c.id, pkiDir, password: password(c.controllerId) });
      controllers.set(c.controllerId, link);
      await link.start();
      counter.byKind.opcua += link.apply(initial.get(c.controllerId) ?? []);
    };
    const [first, ...rest] = layout.cases;
    if (first) await startController(first);
    for (let i = 0; i < rest.length; i += 4) await Promise.all(rest.slice(i, i + 4).map(startController));
    const onAcked = (kind: 'camera' | 'probe') => (readings: number) => {
      counter.byKind[kind] += readings;
    };
    const maxInFlight = opts.maxInFlightPerDevice ?? 20;
    const mkLink = (deviceId: string, kind: 'camera' | 'probe') =>
      new MqttDeviceLink({ storeId, deviceId, url: opts.mqttUrl, password: password(deviceId), logger, maxInFlight, firmware: FIRMWARE, now: () => world.nowMs, onAcked: onAcked(kind) });
    for (const cam of layout.cameras) mqttLinks.set(cam.id, mkLink(cam.id, 'camera'));
    for (const c of layout.cases) for (const p of c.probes) mqttLinks.set(p.id, mkLink(p.id, 'probe'));
  } catch (err) {
    await cleanup();
    await writer?.close();
    throw err;
  }

  // Link changes are asynchronous (socat restarts, server reboots); one chain per device keeps them in order.
  const chains = new Map<string, Promise<void>>();
  const chain = (key: string, work: () => Promise<void>) => {
    const next: Promise<void> = (chains.get(key) ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => logger.warn({ device: key, err: (err as Error).message }, 'link change failed'))
      .finally(() => {
        // A settled chain no longer holds the device's messages back.
        if (chains.get(key) === next) chains.delete(key);
      });
    chains.set(key, next);
  };
  const serialWrites = new Set<Promise<void>>();

  const dispatch = (out: StepOutput) => {
    for (const l of out.links) {
      switch (l.kind) {
        case 'board': {
          // The board's state changes now (in simulated time); socat follows when it can.
          const link = boards.get(l.id)!;
          if (l.up) link.plugIn();
          else link.unplug();
          chain(`board:${l.id}`, async () => {
            if (!l.up) return link.disconnect();
            await link.connect();
            await link.hostListens(LINK_SETTLE_MS);
          });
          break;
        }
        case 'probe':
        case 'camera': {
          const link = mqttLinks.get(l.id)!;
          chain(`${l.kind}:${l.id}`, () => (l.up ? link.goOnline(out.nowMs) : link.goOffline()));
          break;
        }
        case 'controller': {
          // The controller's state changes now (simulated time); its server follows when it can.
          const link = controllers.get(l.id)!;
          if (l.up) link.powerOn(engine.controllerSnapshot(l.id));
          else link.powerOff();
          chain(`controller:${l.id}`, async () => {
            if (!l.up) return link.stop();
            // Not `+= await`: that would read the counter before the wait and lose what others added meanwhile.
            const set = await link.start();
            counter.byKind.opcua += set;
            await link.subscriberBack(LINK_SETTLE_MS);
          });
          break;
        }
      }
    }
    for (const { boardId, output } of out.boards) {
      if (output.kind === 'dropped') {
        counter.droppedFrames++;
        continue;
      }
      const p = boards.get(boardId)!.write(output.line).then((ok) => {
        if (!ok) counter.framesLostOffline++;
        else if (output.kind === 'corrupt') counter.corruptedFramesSent++;
        else {
          counter.framesWritten++;
          counter.byKind.serial += output.channels;
        }
      });
      serialWrites.add(p);
      void p.finally(() => serialWrites.delete(p));
    }
    for (const { cameraId, message } of out.scans) mqttLinks.get(cameraId)!.publish('scan', message, message.slots.length);
    for (const { probeId, message } of out.probes) mqttLinks.get(probeId)!.publish('probe', message, 1);
    for (const { controllerId, changes } of out.controllers) counter.byKind.opcua += controllers.get(controllerId)!.apply(changes);
  };

  // Serial lines are bounded per board (see SerialBoardLink.write); MQTT queues are what the clock waits for.
  const backlog = () => [...mqttLinks.values()].reduce((n, l) => n + l.backlog, 0);
  const serialBacklog = () => [...boards.values()].reduce((n, l) => Math.max(n, l.backlog), 0);
  const lagging = () => {
    const limit = world.nowMs - MAX_SKEW_MS;
    for (const l of mqttLinks.values()) if (l.lagsBehind(limit)) return true;
    for (const c of controllers.values()) if (c.lagsBehind(limit)) return true;
    return false;
  };
  let stopping = false;
  let signalStop: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => (signalStop = resolve));
  let running: Promise<SimSummary> | null = null;
  let stopped: Promise<SimSummary> | null = null;
  let wallStart = Date.now();

  const summary = (): SimSummary => ({
    ...counter.snapshot(world.nowMs - world.startMs),
    scenario: opts.scenario.name,
    seed: opts.seed,
    storeId,
    startMs: world.startMs,
    endMs: world.nowMs,
    simulatedS: (world.nowMs - world.startMs) / 1000,
    wallS: Math.round((Date.now() - wallStart) / 100) / 10,
    stoppedEarly: !world.done,
    unitsSold: world.unitsSold,
    lostSales: world.lostSales,
    groundTruthPath: writer?.file ?? null,
  });

  const loop = async (): Promise<SimSummary> => {
    wallStart = Date.now();
    const links = [...mqttLinks.values()];
    await Promise.race([withTimeout(Promise.all(links.map((l) => l.start())), 30_000), stopRequested]);
    if (links.some((l) => !l.connected)) logger.warn('some MQTT devices are not connected yet; their messages wait in their queues');
    let simAnchor = world.nowMs;
    let wallAnchor = performance.now();
    // The clock stops while it waits for something, then runs on from where it stopped.
    const hold = async (why: keyof SimStats['clockWaitMs'], wait: () => Promise<unknown>) => {
      await counter.waited(why, wait);
      simAnchor = world.nowMs;
      wallAnchor = performance.now();
    };
    let lastProgress = 0;
    let sinceYield = 0;
    while (!engine.done && !stopping) {
      const targetSim = simAnchor + (performance.now() - wallAnchor) * opts.speed;
      if (world.nowMs + world.stepMs > targetSim) {
        await sleep(Math.max(1, Math.min(250, (world.nowMs + world.stepMs - targetSim) / opts.speed)));
        continue;
      }
      const out = engine.step();
      dispatch(out);
      counter.steps++;
      if (out.links.length > 0) {
        // A device going down or coming back (and its host noticing) happens at this simulated
        // moment: the clock waits for it rather than running on while it takes wall time, which
        // would make what was sent around it, and when it arrived, depend on the speed.
        await hold('links', async () => {
          const settled = await withTimeout(Promise.all(out.links.map((l) => chains.get(`${l.kind}:${l.id}`) ?? Promise.resolve())), LINK_SETTLE_MS * 2);
          if (!settled) logger.warn({ links: out.links, atMs: out.nowMs }, 'link changes did not settle in time; the clock goes on without them (what follows depends on the load)');
        });
      }
      const onChange = opts.onNetworkChange;
      if (out.network.length > 0 && onChange) {
        // The harness stops or starts processes: the simulated clock waits for it.
        await hold('network', async () => {
          for (const change of out.network) await onChange({ ...change, atMs: out.nowMs }).catch((err: unknown) => logger.error({ err, change }, 'network change failed'));
          // Devices whose broker came back reconnect (and say so) at this simulated moment, not whenever the clock has moved on.
          if (out.network.some((c) => c.link === 'gateway' && c.up)) await waitFor(() => links.every((l) => !l.running || l.connected), LINK_SETTLE_MS);
        });
      }
      if (++sinceYield >= 50) {
        sinceYield = 0;
        await yieldLoop();
      }
      if (lagging()) {
        // A transport trails the simulated clock (a subscription that publishes on its own wall-clock
        // interval, a slow broker): the clock waits, so no device's readings reach the gateway
        // later, relative to the others, than a real store would deliver them.
        await hold('transports', () => waitFor(() => !lagging() || stopping, LINK_SETTLE_MS));
      }
      if (backlog() > MAX_BACKLOG || serialBacklog() > SERIAL_HIGH) {
        // The transports fall behind: the clock waits, the world does not change. A serial line
        // nobody drains (its reader is gone) is waited for only so long, then the board loses
        // frames like a UART whose buffer is full.
        const serialDeadline = performance.now() + SERIAL_WAIT_MS;
        await hold('transports', () =>
          waitFor(() => stopping || (backlog() <= MAX_BACKLOG / 2 && (serialBacklog() <= SERIAL_LOW || performance.now() >= serialDeadline)), SERIAL_WAIT_MS + 1_000),
        );
      }
      const wallNow = Date.now();
      if (opts.onProgress && wallNow - lastProgress >= 500) {
        lastProgress = wallNow;
        opts.onProgress({ simTimeMs: world.nowMs, readingsSent: counter.snapshot(0).readingsSent });
      }
    }
    if (!stopping) {
      // A line nobody reads never drains: give the OS a bounded time to take the last frames.
      await withTimeout(Promise.all(serialWrites), 10_000);
      await Promise.all([...chains.values()]);
      await Promise.race([Promise.all(links.map((l) => l.drained())), stopRequested]);
      await writer?.close();
    }
    opts.onProgress?.({ simTimeMs: world.nowMs, readingsSent: counter.snapshot(0).readingsSent });
    return summary();
  };

  return {
    endpoints: {
      boards: Object.fromEntries([...boards.entries()].map(([id, l]) => [id, l.hostPath])),
      controllers: Object.fromEntries([...controllers.entries()].map(([id, l]) => [id, l.endpointUrl])),
      controllerCertificates: Object.fromEntries([...controllers.entries()].map(([id, l]) => [id, l.certificate()])),
    },
    run() {
      running ??= loop();
      return running;
    },
    stop(options) {
      stopped ??= (async () => {
        if (running && !world.done) stopping = true;
        signalStop();
        const result = running ? await running : summary();
        stopping = true;
        if (!world.done) world.end();
        await Promise.all([...chains.values()]);
        await options?.beforeDisconnect?.();
        await cleanup();
        await writer?.close();
        return { ...result, ...summary(), stoppedEarly: result.stoppedEarly };
      })();
      return stopped;
    },
    stats: () => counter.snapshot(world.nowMs - world.startMs),
    restock: (slotId, units) => world.restock(slotId, units),
    receiveDelivery: (sku, units, atMs) => (atMs === undefined ? world.receiveDelivery(sku, units) : world.scheduleDelivery(sku, units, atMs)),
  };
}

/** Polls a condition every 10 ms until it holds or ms have passed. */
async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition() && performance.now() < deadline) await sleep(10);
}

/** Resolves true when the promise settles, false after ms if it has not, leaving no timer behind. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return settled;
}
