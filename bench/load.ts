import { deviceTopic, type CameraScanMessage, type ProbeMessage, type StoreLayout, type DeviceCredentials } from '@shelfwatch/contracts';
import mqtt, { type MqttClient } from 'mqtt';

export interface LoadContext {
  mqttUrl: string;
  layout: StoreLayout;
  credentials: DeviceCredentials;
}

interface Device {
  id: string;
  client: MqttClient;
  seq: number;
}

/** Publishes awaiting PUBACK across all devices; above this the generator stops offering more. */
const MAX_IN_FLIGHT = 2_000;

/**
 * The load generator: one MQTT client per device with the device's own credentials,
 * publishing under its own topic prefix exactly as the firmware does. Camera scans carry
 * one reading per slot, so readings/s are offered as scans/s × slots per camera.
 */
export class MqttLoad {
  private cameras: Device[] = [];
  private probes = new Map<string, Device>();
  private next = 0;
  private inFlight = 0;
  /** Readings whose publish the broker acknowledged (what a device counts as sent). */
  acked = 0;
  failed = 0;

  get cameraCount(): number {
    return this.cameras.length;
  }

  constructor(private readonly ctx: LoadContext) {}

  async connect(options: { cameras: boolean; probes: boolean }): Promise<void> {
    const connect = async (id: string): Promise<Device> => {
      const client = await mqtt.connectAsync(this.ctx.mqttUrl, {
        clientId: id,
        username: id,
        password: this.ctx.credentials[id]?.password ?? '',
        reconnectPeriod: 1_000,
      });
      return { id, client, seq: 0 };
    };
    const ids = [
      ...(options.cameras ? this.ctx.layout.cameras.map((c) => c.id) : []),
      ...(options.probes ? this.ctx.layout.cases.flatMap((c) => c.probes.map((p) => p.id)) : []),
    ];
    // A few at a time: each connect is a bcrypt/scrypt-free but still authenticated handshake.
    for (let i = 0; i < ids.length; i += 50) {
      const devices = await Promise.all(ids.slice(i, i + 50).map(connect));
      for (const d of devices) {
        if (d.id.startsWith('probe-')) this.probes.set(d.id, d);
        else this.cameras.push(d);
      }
    }
  }

  /** One camera scan (all its slots, as seen fully stocked); false when too much is in flight. */
  scan(): boolean {
    if (this.inFlight >= MAX_IN_FLIGHT || this.cameras.length === 0) return false;
    const device = this.cameras[this.next++ % this.cameras.length]!;
    const camera = this.ctx.layout.cameras.find((c) => c.id === device.id)!;
    const skuOf = this.slotSku();
    const message: CameraScanMessage = {
      seq: device.seq++,
      ts: Date.now(),
      slots: camera.slotIds.map((slotId) => ({ slotId, sku: skuOf.get(slotId) ?? null, facings: 3, gap: false, confidence: 0.95 })),
    };
    this.send(device, deviceTopic(this.ctx.layout.store.id, device.id, 'scan'), message, message.slots.length);
    return true;
  }

  /** Readings per camera scan. */
  readingsPerScan(): number {
    return this.ctx.layout.cameras[0]?.slotIds.length ?? 1;
  }

  /** A plausible in-limit temperature for a probe: its case's setpoint + 0.5 °C. */
  inLimitTempC(probeId: string): number {
    const owner = this.ctx.layout.cases.find((c) => c.probes.some((p) => p.id === probeId));
    return (owner?.setpointC ?? 3) + 0.5;
  }

  probeIds(): string[] {
    return [...this.probes.keys()];
  }

  /** One probe message; resolves once the broker acknowledged it. */
  async probe(probeId: string, reading: { tempC: number | null; fault: 'open_circuit' | null }): Promise<void> {
    const device = this.probes.get(probeId);
    if (!device) throw new Error(`no probe ${probeId}`);
    const message: ProbeMessage = { seq: device.seq++, ts: Date.now(), tempC: reading.tempC, fault: reading.fault, batteryPct: 90, rssiDbm: -60 };
    await device.client.publishAsync(deviceTopic(this.ctx.layout.store.id, device.id, 'probe'), JSON.stringify(message), { qos: 1 });
    this.acked++;
  }

  async settled(): Promise<void> {
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async close(): Promise<void> {
    await Promise.all([...this.cameras, ...this.probes.values()].map((d) => d.client.endAsync(true).catch(() => undefined)));
  }

  private skus: Map<string, string> | null = null;
  private slotSku(): Map<string, string> {
    this.skus ??= new Map(this.ctx.layout.shelves.flatMap((s) => s.slots.map((slot) => [slot.id, slot.sku] as [string, string])));
    return this.skus;
  }

  private send(device: Device, topic: string, message: unknown, readings: number): void {
    this.inFlight++;
    device.client
      .publishAsync(topic, JSON.stringify(message), { qos: 1 })
      .then(() => {
        this.acked += readings;
      })
      .catch(() => {
        this.failed += readings;
      })
      .finally(() => {
        this.inFlight--;
      });
  }
}
