import net from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { parseTopic } from '@shelfwatch/contracts';
import type { Input, InputContext, InputHealth } from '../input.js';
import { authenticateDevice, authorizeSubscription } from './device-auth.js';
import { MqttIngest } from './mqtt-ingest.js';

export interface EmbeddedBrokerOptions {
  context: InputContext;
  host: string;
  port: number;
}

/**
 * The store's MQTT broker (aedes) with the gateway inside it. The durable append happens in
 * authorizePublish because aedes 1.x writes the QoS 1 PUBACK right after authorizePublish
 * calls back and BEFORE the `published` hook runs (lib/handlers/publish.js): only there
 * does "no PUBACK before durable" hold. Last wills pass through authorizePublish as well.
 */
export class EmbeddedBrokerInput implements Input {
  readonly name = 'mqtt';
  private broker: Aedes | undefined;
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly devices = new WeakMap<Client, string>();
  private readonly ingest: MqttIngest;
  private boundPort = 0;
  private connected = 0;
  private stopping = false;

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.ingest = new MqttIngest(options.context);
  }

  get port(): number {
    return this.boundPort;
  }

  init(): void {
    if (!Number.isInteger(this.options.port) || this.options.port < 0 || this.options.port > 65535) throw new Error(`bad MQTT port ${this.options.port}`);
  }

  async start(): Promise<void> {
    this.stopping = false;
    const { store, metrics, logger } = this.options.context;
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const deviceId = authenticateDevice(store, username, password);
        if (!deviceId) {
          metrics.rejected(this.name, 'bad_credentials');
          logger.warn({ clientId: client.id, username }, 'mqtt connect refused: bad username or password');
          // AuthErrorCode is a type-only const enum: 4 = bad user name or password.
          const err: AuthenticateError = Object.assign(new Error('bad username or password'), { returnCode: 4 });
          done(err, false);
          return;
        }
        this.devices.set(client, deviceId);
        done(null, true);
      },
      authorizePublish: (client, packet, done) => {
        if (this.stopping) {
          // The gateway is going down, not the devices: the wills their dropped connections
          // trigger now would report every device offline. Refused (not acknowledged), a
          // device's own publish is sent again after it reconnects.
          done(new Error('gateway stopping'));
          return;
        }
        // client is null only for a will of a client from another broker instance.
        const deviceId = client ? this.devices.get(client) : parseTopic(packet.topic)?.deviceId;
        if (!deviceId) {
          done(this.ingest.refuse('unauthenticated', { topic: packet.topic }, 'publish from an unknown client'));
          return;
        }
        this.ingest.handle(deviceId, packet.topic, packet.payload).then(
          () => done(null),
          (err: unknown) => done(err as Error),
        );
      },
      authorizeSubscribe: (client, subscription, done) => {
        const deviceId = this.devices.get(client);
        if (deviceId && authorizeSubscription(store, deviceId, subscription.topic)) {
          done(null, subscription);
          return;
        }
        metrics.rejected(this.name, 'subscription_refused');
        logger.warn({ deviceId, topic: subscription.topic }, 'mqtt subscription refused');
        done(null, null);
      },
    });
    broker.on('clientError', (client, err) => logger.debug({ clientId: client.id, err }, 'mqtt client error'));
    broker.on('connectionError', (client, err) => logger.debug({ clientId: client.id, err }, 'mqtt connection error'));
    broker.on('client', () => (this.connected += 1));
    broker.on('clientDisconnect', () => (this.connected -= 1));
    this.broker = broker;
    const server = net.createServer(broker.handle);
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as net.AddressInfo).port;
    logger.info({ host: this.options.host, port: this.boundPort }, 'embedded MQTT broker listening');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const server = this.server;
    const broker = this.broker;
    this.server = undefined;
    this.broker = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  health(): InputHealth {
    return { ok: this.server?.listening === true, details: { port: this.boundPort, connectedClients: this.connected } };
  }
}
