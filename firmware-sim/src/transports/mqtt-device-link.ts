import { deviceTopic, TOPICS, type DeviceStatusMessage } from '@shelfwatch/contracts';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export interface MqttDeviceLinkOptions {
  storeId: string;
  deviceId: string;
  url: string;
  password: string;
  logger: Logger;
  /** Publishes awaiting PUBACK at once; the rest wait in order. */
  maxInFlight: number;
  firmware: string;
  /** Simulated time for status messages. */
  now: () => number;
  /** Called once per PUBACKed publish with the readings it carried. */
  onAcked: (readings: number) => void;
}

interface Outgoing {
  channel: 'probe' | 'scan';
  payload: string;
  readings: number;
  /** Simulated time the message was made. */
  ts: number;
}

/**
 * One MQTT device (a camera or a probe) with its own credentials: retained online status,
 * a last will, and a bounded window of QoS 1 publishes counted on PUBACK.
 */
export class MqttDeviceLink {
  private client: MqttClient | null = null;
  private readonly queue: Outgoing[] = [];
  private readonly inFlight = new Set<Outgoing>();
  private idleWaiters: (() => void)[] = [];
  private connectedOnce: Promise<void> | null = null;

  constructor(private readonly opts: MqttDeviceLinkOptions) {}

  get backlog(): number {
    return this.queue.length + this.inFlight.size;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Started and not taken offline: the device is trying to be connected. */
  get running(): boolean {
    return this.client !== null;
  }

  /**
   * Starts connecting (and reconnecting); resolves on the first CONNACK. `atMs` is the
   * simulated time the device came up (its "online" status carries it, whenever the
   * connection is actually made); later automatic reconnects say when they happened.
   */
  start(atMs = this.opts.now()): Promise<void> {
    if (this.client) return this.connectedOnce ?? Promise.resolve();
    const { storeId, deviceId } = this.opts;
    // A last will is fixed when the device connects, so it can only carry that time; the
    // gateway, which knows when it last heard the device, corrects it.
    const will: DeviceStatusMessage = { online: false, ts: atMs, reason: 'lwt', firmware: this.opts.firmware };
    let bootMs: number | null = atMs;
    const client = connect(this.opts.url, {
      clientId: deviceId,
      username: deviceId,
      password: this.opts.password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 500,
      connectTimeout: 10_000,
      will: { topic: deviceTopic(storeId, deviceId, 'status'), payload: Buffer.from(JSON.stringify(will)), qos: TOPICS.status.qos, retain: TOPICS.status.retain },
    });
    this.client = client;
    // A broker that is away (a gateway restarting) fails every reconnect: say so once per outage.
    let quiet = false;
    client.on('error', (err) => {
      if (quiet) this.opts.logger.debug({ device: deviceId, err: err.message }, 'mqtt error');
      else this.opts.logger.warn({ device: deviceId, err: err.message }, 'mqtt error (retrying; further errors at debug level until connected)');
      quiet = true;
    });
    client.on('connect', () => {
      quiet = false;
      this.publishStatus(client, true, bootMs === null ? 'reconnect' : 'boot', bootMs ?? this.opts.now());
      bootMs = null;
      this.pump();
    });
    this.connectedOnce = new Promise<void>((resolve) => client.once('connect', () => resolve()));
    return this.connectedOnce;
  }

  private publishStatus(client: MqttClient, online: boolean, reason: string, ts: number): void {
    const { storeId, deviceId } = this.opts;
    const status: DeviceStatusMessage = { online, ts, reason, firmware: this.opts.firmware };
    client.publish(deviceTopic(storeId, deviceId, 'status'), JSON.stringify(status), { qos: TOPICS.status.qos, retain: TOPICS.status.retain }, (err) => {
      if (err) this.opts.logger.debug({ device: deviceId, err: err.message }, 'status publish failed');
    });
  }

  publish<T extends { ts: number }>(channel: 'probe' | 'scan', payload: T, readings: number): void {
    this.queue.push({ channel, payload: JSON.stringify(payload), readings, ts: payload.ts });
    this.pump();
  }

  /** Whether a message made before limitMs (simulated) is still unacknowledged while connected (unconnected, there is nowhere to send it). */
  lagsBehind(limitMs: number): boolean {
    if (!this.connected) return false;
    if ((this.queue[0]?.ts ?? Infinity) < limitMs) return true;
    for (const item of this.inFlight) if (item.ts < limitMs) return true;
    return false;
  }

  private pump(): void {
    const client = this.client;
    if (!client?.connected) return;
    while (this.inFlight.size < this.opts.maxInFlight && this.queue.length > 0) {
      const item = this.queue.shift()!;
      this.inFlight.add(item);
      const topic = deviceTopic(this.opts.storeId, this.opts.deviceId, item.channel);
      client.publish(topic, item.payload, { qos: TOPICS[item.channel].qos, retain: TOPICS[item.channel].retain }, (err) => {
        // A callback from a client we already abandoned (radio down) must not count twice.
        if (!this.inFlight.delete(item)) return;
        if (err) {
          // Not acknowledged: put it back at the front; it goes again after the reconnect.
          this.queue.unshift(item);
        } else {
          this.opts.onAcked(item.readings);
        }
        this.pump();
        this.notifyIdle();
      });
    }
  }

  private notifyIdle(): void {
    if (this.backlog > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when every queued publish has been acknowledged. */
  async drained(): Promise<void> {
    if (this.backlog === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * The radio dies: the socket drops without DISCONNECT, so the broker publishes the last
   * will. What the device sent before has gone out first (in a store it went out in its own
   * time; only the simulation's compressed time leaves it queued), so the broker last heard
   * the device when it really was last heard.
   */
  async goOffline(): Promise<void> {
    await within(this.drained().then(() => true), 10_000);
    const client = this.client;
    this.client = null;
    this.connectedOnce = null;
    if (!client) return;
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    // Whatever was not acknowledged is sent again once the radio is back.
    this.queue.unshift(...this.inFlight);
    this.inFlight.clear();
  }

  async goOnline(atMs?: number): Promise<void> {
    await this.start(atMs);
  }

  /** Clean shutdown: offline status, then DISCONNECT (no last will). */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    // A broker that went away must not hold the shutdown: bounded waits, then a forced end.
    if (client.connected) {
      const status: DeviceStatusMessage = { online: false, ts: this.opts.now(), reason: 'shutdown', firmware: this.opts.firmware };
      const published = client
        .publishAsync(deviceTopic(this.opts.storeId, this.opts.deviceId, 'status'), JSON.stringify(status), { qos: 1, retain: true })
        .then(() => true)
        .catch(() => false);
      await within(published, 5_000);
    }
    const ended = await within(client.endAsync(!client.connected).then(() => true), 5_000);
    if (!ended) await client.endAsync(true);
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

async function within(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([promise, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return result;
}
