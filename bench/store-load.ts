import type { StoreLayout } from '@shelfwatch/contracts';
import type { MqttLoad } from './load.js';
import type { SerialLoad } from './serial-load.js';

export interface StopSignal {
  stop: boolean;
}

/** Nominal rates of a store profile: boards at 2 Hz, cameras every 10 s. */
const BOARD_HZ = 2;
const SCAN_INTERVAL_S = 10;

/**
 * A store's load at `multiple` × its nominal rate: every weight board sends a frame with all
 * channels at 2 × multiple Hz over its pty, every camera scans every 10 / multiple s over MQTT.
 * (Probes add 3 readings/s to a large store and are left out of the background load.)
 */
export class StoreLoad {
  constructor(private readonly ctx: { layout: StoreLayout; mqtt: MqttLoad; serial: SerialLoad }) {}

  /** Readings/s at multiple 1. */
  nominalPerSec(): number {
    const slots = this.ctx.layout.shelves.reduce((n, s) => n + s.slots.length, 0);
    const cameraSlots = this.ctx.layout.cameras.reduce((n, c) => n + c.slotIds.length, 0);
    return slots * BOARD_HZ + cameraSlots / SCAN_INTERVAL_S;
  }

  /** Runs for `seconds` (or until stopped); resolves with readings handed over (pty writes + PUBACKed scans). */
  async run(multiple: number, seconds: number, stop?: StopSignal): Promise<number> {
    const { mqtt, serial } = this.ctx;
    const before = mqtt.acked + serial.sent;
    const framesPerSec = BOARD_HZ * multiple;
    const scansPerSec = (mqtt.cameraCount / SCAN_INTERVAL_S) * multiple;
    const started = performance.now();
    let ticks = 0;
    let scans = 0;
    while (performance.now() - started < seconds * 1000 && stop?.stop !== true) {
      const elapsedS = (performance.now() - started) / 1000;
      // Tick 0 at once, so `seconds` × rate frames are offered in `seconds`.
      const dueTicks = Math.floor(elapsedS * framesPerSec) + 1;
      // A tick the machine was too busy for is skipped, not bunched: the offered rate then falls short.
      if (ticks < dueTicks) {
        serial.tick();
        ticks = dueTicks;
      }
      const dueScans = Math.floor(elapsedS * scansPerSec) + 1;
      while (scans < dueScans) {
        if (!mqtt.scan()) break;
        scans++;
      }
      scans = Math.max(scans, dueScans);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all([mqtt.settled(), serial.drainWrites()]);
    return mqtt.acked + serial.sent - before;
  }
}
