import type { CameraScanMessage, ChannelCounts, ProbeMessage } from '@shelfwatch/contracts';
import { BoardFirmware, type BoardOutput } from '../firmware/board-firmware.js';
import { CameraFirmware } from '../firmware/camera-firmware.js';
import { ControllerFirmware, type ValueChange } from '../firmware/controller-firmware.js';
import { ProbeFirmware } from '../firmware/probe-firmware.js';
import type { Scenario } from '../scenario/schema.js';
import type { BackhaulDelivery } from '../world/entities.js';
import type { GroundTruthSink } from '../world/ground-truth.js';
import { Rng } from '../world/rng.js';
import { StoreWorld } from '../world/store-world.js';

/** Everything the devices put on their transports during one step, in a fixed order. */
export interface StepOutput {
  nowMs: number;
  boards: { boardId: string; output: BoardOutput }[];
  scans: { cameraId: string; message: CameraScanMessage }[];
  probes: { probeId: string; message: ProbeMessage }[];
  controllers: { controllerId: string; changes: ValueChange[] }[];
  /** Link changes: a board unplugged/replugged, a probe's or camera's radio down/up, a controller down/up. */
  links: { kind: DeviceLinkKind; id: string; up: boolean }[];
  /** The gateway or its link to the backend going down or coming back (the run's harness acts on these). */
  network: NetworkChange[];
}

export type DeviceLinkKind = 'board' | 'probe' | 'camera' | 'controller';

export type NetworkChange =
  | { link: 'gateway'; up: boolean }
  | { link: 'backhaul'; up: true }
  | { link: 'backhaul'; up: false; delivery: BackhaulDelivery; windowS: number };

export interface SimEngineOptions {
  scenario: Scenario;
  seed: number;
  durationS?: number;
  sink: GroundTruthSink;
}

/**
 * The world plus every device's firmware: deterministic end to end. The transports only
 * deliver what step() returns.
 */
export class SimEngine {
  readonly world: StoreWorld;
  private readonly boards: { fw: BoardFirmware; channels: { channel: number; slotId: string }[] }[] = [];
  private readonly cameras: CameraFirmware[] = [];
  private readonly probes: ProbeFirmware[] = [];
  private readonly controllers: { fw: ControllerFirmware; caseId: string }[] = [];
  private readonly linkState = new Map<string, boolean>();
  private readonly wasSilent = new Set<string>();
  private network: { gateway: boolean; backhaul: string | null } = { gateway: true, backhaul: null };

  constructor(private readonly opts: SimEngineOptions) {
    this.world = StoreWorld.create({ scenario: opts.scenario, seed: opts.seed, sink: opts.sink, ...(opts.durationS === undefined ? {} : { durationS: opts.durationS }) });
    const { settings, layout } = opts.scenario;
    const rng = new Rng(opts.seed, 'firmware');
    for (const shelf of layout.shelves) {
      this.boards.push({
        fw: new BoardFirmware({
          boardId: shelf.boardId,
          deadbandCounts: settings.boards.deadbandCounts,
          heartbeatMs: settings.boards.heartbeatS * 1000,
          rng: rng.fork(`board:${shelf.boardId}`),
        }),
        channels: shelf.slots.map((s) => ({ channel: s.channel, slotId: s.id })),
      });
    }
    const skus = layout.products.map((p) => p.sku);
    for (const cam of layout.cameras) {
      const camRng = rng.fork(`camera:${cam.id}`);
      const intervalMs = settings.cameras.scanIntervalS * 1000;
      this.cameras.push(
        new CameraFirmware({
          cameraId: cam.id,
          slotIds: cam.slotIds,
          scanIntervalMs: intervalMs,
          rates: settings.cameras,
          slotRates: settings.cameras.slots,
          knownSkus: skus,
          rng: camRng,
          firstScanMs: this.world.startMs + Math.floor(camRng.next() * intervalMs),
        }),
      );
    }
    for (const c of layout.cases) {
      for (const p of c.probes) {
        const probeRng = rng.fork(`probe:${p.id}`);
        const intervalMs = settings.probes.intervalS * 1000;
        this.probes.push(
          new ProbeFirmware({ probeId: p.id, intervalMs, firstReportMs: this.world.startMs + Math.floor(probeRng.next() * intervalMs), rng: probeRng }),
        );
      }
      this.controllers.push({
        fw: new ControllerFirmware({ controllerId: c.controllerId, quantumC: settings.controllers.quantumC, minUpdateMs: settings.controllers.minUpdateS * 1000 }),
        caseId: c.id,
      });
    }
  }

  get done(): boolean {
    return this.world.done;
  }

  /** Initial controller values (what each OPC UA server holds before the clock starts). */
  initialControllerValues(): { controllerId: string; changes: ValueChange[] }[] {
    return this.controllers.map(({ fw, caseId }) => ({ controllerId: fw.controllerId, changes: fw.tick(this.world.nowMs, this.controllerValues(caseId)) }));
  }

  controllerSnapshot(controllerId: string): ValueChange[] {
    return this.controllers.find((c) => c.fw.controllerId === controllerId)?.fw.snapshot() ?? [];
  }

  step(): StepOutput {
    const w = this.world;
    w.step();
    const now = w.nowMs;
    const out: StepOutput = { nowMs: now, boards: [], scans: [], probes: [], controllers: [], links: [], network: [] };
    const link = (kind: DeviceLinkKind, id: string, up: boolean) => {
      const key = `${kind}:${id}`;
      if ((this.linkState.get(key) ?? true) === up) return false;
      this.linkState.set(key, up);
      out.links.push({ kind, id, up });
      return true;
    };
    const ambient = w.ambientC(now);
    for (const b of this.boards) {
      const faults = w.boardFaults.get(b.fw.boardId)!;
      const connected = w.boardConnected(b.fw.boardId);
      // Firmware re-announces every channel when its line comes back, or when it recovers from a hang.
      if (link('board', b.fw.boardId, connected) && connected) b.fw.forceFullReport();
      // A hung board, or one without power, samples nothing.
      if (this.silence(b.fw.boardId) || w.powerCut > 0) continue;
      const samples: ChannelCounts[] = b.channels.map(({ channel, slotId }) => ({ channel, counts: w.slots.get(slotId)!.cell.read(now, ambient) }));
      const output = b.fw.tick(now, samples, faults);
      if (output) out.boards.push({ boardId: b.fw.boardId, output });
    }
    for (const cam of this.cameras) {
      const id = cam.cameraId;
      const connected = w.cameraConnected(id);
      link('camera', id, connected);
      const silent = this.silence(id);
      const message = cam.tick(now, (slotId) => w.slotView(slotId), (slotId) => w.cameraSees(id, slotId), connected && !silent);
      if (message) out.scans.push({ cameraId: id, message });
    }
    for (const fw of this.probes) {
      const p = w.probes.get(fw.probeId)!;
      const connected = w.probeConnected(p);
      link('probe', p.id, connected);
      const silent = this.silence(p.id);
      if (!fw.due(now)) continue;
      if (!connected || silent) {
        fw.skip(now);
        continue;
      }
      const c = w.cases.get(p.caseId)!;
      const trueC = p.placement === 'air' ? c.state.airC : c.state.productC;
      out.probes.push({ probeId: p.id, message: fw.report(now, p.sensor.sample(trueC, now, p.faults)) });
    }
    for (const { fw, caseId } of this.controllers) {
      link('controller', fw.controllerId, w.controllerRunning(fw.controllerId));
      // A hung controller, or one without power, updates nothing; it resumes from what it then measures.
      if (this.silence(fw.controllerId) || w.powerCut > 0) continue;
      const changes = fw.tick(now, this.controllerValues(caseId));
      if (changes.length > 0) out.controllers.push({ controllerId: fw.controllerId, changes });
    }
    this.networkChanges(out);
    return out;
  }

  /** Whether a device is hung now; a board coming out of a hang re-announces every channel. */
  private silence(deviceId: string): boolean {
    const silent = this.world.isSilent(deviceId);
    if (silent) this.wasSilent.add(deviceId);
    else if (this.wasSilent.delete(deviceId)) this.boards.find((b) => b.fw.boardId === deviceId)?.fw.forceFullReport();
    return silent;
  }

  private networkChanges(out: StepOutput): void {
    const { gatewayDown, backhaul } = this.world.network;
    const gateway = gatewayDown === 0;
    if (gateway !== this.network.gateway) out.network.push({ link: 'gateway', up: gateway });
    const key = backhaul ? `${backhaul.delivery}:${backhaul.windowS}` : null;
    if (key !== this.network.backhaul) {
      out.network.push(backhaul ? { link: 'backhaul', up: false, ...backhaul } : { link: 'backhaul', up: true });
    }
    this.network = { gateway, backhaul: key };
  }

  private controllerValues(caseId: string) {
    const c = this.world.cases.get(caseId)!;
    return {
      airTempC: c.state.airC,
      setpointC: c.setpointC,
      defrostActive: this.world.defrostActive(c),
      doorOpen: this.world.doorOpen(c),
      compressorRunning: c.state.compressorRunning,
    };
  }
}
