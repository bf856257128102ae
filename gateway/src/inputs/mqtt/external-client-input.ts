import { TOPIC_ROOT, parseTopic } from '@shelfwatch/contracts';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Input, InputContext, InputHealth } from '../input.js';
import { MqttIngest, PublishRefused } from './mqtt-ingest.js';

export type MqttConnect = (url: string, options: IClientOptions) => MqttClient;

export interface ExternalClientOptions {
  context: InputContext;
  gatewayId: string;
  url: string;
  username: string;
  password: string;
  /** Transport factory, injected for unit tests. */
  connect?: MqttConnect;
}

/**
 * Client of an external broker (a chain's clustered broker). A persistent session
 * (clean: false, QoS 1) lets the broker queue while the gateway is down, and
 * an overridden handleMessage sends the PUBACK only after the durable append. That broker enforces
 * which device may publish where; here topics are still checked against the layout.
 */
export class ExternalClientInput implements Input {
  readonly name = 'mqtt';
  private client: MqttClient | undefined;
  private readonly ingest: MqttIngest;

  constructor(private readonly options: ExternalClientOptions) {
    this.ingest = new MqttIngest(options.context);
  }

  init(): void {
    const url = new URL(this.options.url);
    if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') throw new Error(`mqtt.url must be mqtt:// or mqtts://, got ${url.protocol}`);
  }

  async start(): Promise<void> {
    const { logger, store } = this.options.context;
    const connect = this.options.connect ?? ((url, o) => mqtt.connect(url, o));
    const client = connect(this.options.url, {
      clientId: `shelfwatch-gateway-${this.options.gatewayId}`,
      username: this.options.username,
      password: this.options.password,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
    });
    // mqtt.js sends the PUBACK only once handleMessage calls back (for MQTT 3.1.1 and 5;
    // customHandleAcks exists only for MQTT 5, which aedes and many brokers lack).
    client.handleMessage = (packet, callback) => {
      const topic = packet.topic;
      const deviceId = parseTopic(topic)?.deviceId;
      if (!deviceId) {
        this.ingest.refuse('bad_topic', { topic }, 'not a device topic');
        callback();
        return;
      }
      this.ingest.handle(deviceId, topic, packet.payload).then(
        () => callback(),
        (err: unknown) => {
          // Refused by topic rules: the external broker already took it and redelivery
          // cannot fix it, so it is acknowledged (counted). A full outbox is not: the
          // connection is dropped so the broker keeps it in our persistent session.
          if (err instanceof PublishRefused && err.reason !== 'outbox_full') {
            callback();
            return;
          }
          client.stream.destroy();
          callback(err as Error);
        },
      );
    };
    client.on('error', (err) => logger.warn({ err }, 'external MQTT broker error'));
    client.on('connect', (connack) => {
      logger.info({ sessionPresent: connack.sessionPresent }, 'connected to external MQTT broker');
      client.subscribe(`${TOPIC_ROOT}/${store.storeId}/+/+`, { qos: 1 }, (err) => {
        if (err) logger.error({ err }, 'external MQTT subscribe failed');
      });
    });
    this.client = client;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.endAsync();
  }

  health(): InputHealth {
    return { ok: this.client?.connected === true, details: { url: this.options.url, connected: this.client?.connected === true } };
  }
}
