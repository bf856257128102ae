/** What the simulator has put on the wire, counted the way the demo compares it with InfluxDB. */
export interface SimStats {
  /** One per channel per serial frame written, per slot per camera scan PUBACKed, per probe message PUBACKed, per OPC UA value set. */
  readingsSent: number;
  readingsByKind: { serial: number; camera: number; probe: number; opcua: number };
  framesWritten: number;
  /** Deliberately corrupted frames written to the line (not counted as readings). */
  corruptedFramesSent: number;
  /** Frames the board produced that never reached the line (injected drops). */
  droppedFrames: number;
  /** Frames produced while the board's line was unplugged or being re-plugged. */
  framesLostOffline: number;
  probeMessagesLostOffline: number;
  simTimeMs: number;
  steps: number;
  /** Wall time the clock waited, by why: transports behind (queues, serial lines, messages older than the skew limit), device link changes, the harness's network changes. */
  clockWaitMs: { transports: number; links: number; network: number };
}

export interface SimSummary extends SimStats {
  scenario: string;
  seed: number;
  storeId: string;
  startMs: number;
  endMs: number;
  simulatedS: number;
  wallS: number;
  stoppedEarly: boolean;
  unitsSold: number;
  lostSales: number;
  groundTruthPath: string | null;
}

export class StatsCounter {
  readonly byKind = { serial: 0, camera: 0, probe: 0, opcua: 0 };
  framesWritten = 0;
  corruptedFramesSent = 0;
  droppedFrames = 0;
  framesLostOffline = 0;
  probeMessagesLostOffline = 0;
  steps = 0;
  readonly clockWaitMs = { transports: 0, links: 0, network: 0 };

  /** Runs a wait of the clock and adds its wall time under `why`. */
  async waited(why: keyof StatsCounter['clockWaitMs'], wait: () => Promise<unknown>): Promise<void> {
    const t0 = performance.now();
    await wait();
    this.clockWaitMs[why] += performance.now() - t0;
  }

  snapshot(simTimeMs: number): SimStats {
    const k = this.byKind;
    return {
      readingsSent: k.serial + k.camera + k.probe + k.opcua,
      readingsByKind: { ...k },
      framesWritten: this.framesWritten,
      corruptedFramesSent: this.corruptedFramesSent,
      droppedFrames: this.droppedFrames,
      framesLostOffline: this.framesLostOffline,
      probeMessagesLostOffline: this.probeMessagesLostOffline,
      simTimeMs,
      steps: this.steps,
      clockWaitMs: { transports: Math.round(this.clockWaitMs.transports), links: Math.round(this.clockWaitMs.links), network: Math.round(this.clockWaitMs.network) },
    };
  }
}
