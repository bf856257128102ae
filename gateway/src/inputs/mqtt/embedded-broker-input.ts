import { readFileSync } from 'node:fs';
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { parseTopic } from '@shelfwatch/contracts';
import type { Input, InputContext, InputHealth, ListeningPorts, Listens } from '../input.js';
import { authenticateDevice, authorizeSubscription, clientIdBelongsTo } from './device-auth.js';
import { DeviceSessions } from './device-sessions.js';
import { MqttIngest } from './mqtt-ingest.js';
import { MalformedLengthError, PacketSizeGuard, PacketTooLargeError } from './packet-size-guard.js';

export interface EmbeddedBrokerOptions {
  context: InputContext;
  host: string;
  /** Plain MQTT; undefined = no plain listener (TLS only). */
  port: number | undefined;
  /** MQTT over TLS with the gateway's certificate. */
  tls?: { host?: string; port: number; certFile: string; keyFile: string };
  maxPacketBytes: number;
  maxConnectionsPerDevice: number;
  maxSubscriptionsPerDevice: number;
}

/** One device connection: who authenticated on it and what it subscribed to. */
interface Connection {
  deviceId?: string;
  subscriptions: Set<string>;
}

// CONNACK return codes (AuthErrorCode is a type-only const enum in aedes' types).
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/**
 * The store's MQTT broker (aedes) with the gateway inside it. The durable append happens in
 * authorizePublish because aedes 1.x writes the QoS 1 PUBACK right after authorizePublish
 * calls back and BEFORE the `published` hook runs (lib/handlers/publish.js): only there
 * does "no PUBACK before durable" hold. Last wills pass through authorizePublish as well.
 */
export class EmbeddedBrokerInput implements Input, Listens {
  readonly name = 'mqtt';
  private broker: Aedes | undefined;
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  /** Per connection (the stream aedes reads, `client.conn`): set up in accept(), filled in on authentication. */
  private readonly connections = new WeakMap<Duplex, Connection>();
  private readonly sessions: DeviceSessions;
  private readonly ingest: MqttIngest;
  private boundPort = 0;
  private boundTlsPort = 0;
  private connected = 0;
  private stopping = false;

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.ingest = new MqttIngest(options.context);
    this.sessions = new DeviceSessions({ maxConnections: options.maxConnectionsPerDevice, maxSubscriptions: options.maxSubscriptionsPerDevice });
  }

  /** The plain MQTT port (0 without a plain listener) and the MQTT-over-TLS port (0 without TLS). */
  listeningPorts(): ListeningPorts {
    return { mqtt: this.boundPort, mqttTls: this.boundTlsPort };
  }

  init(): void {
    const { port, tls: t } = this.options;
    for (const p of [port, t?.port]) if (p !== undefined && (!Number.isInteger(p) || p < 0 || p > 65535)) throw new Error(`bad MQTT port ${p}`);
    if (port === undefined && !t) throw new Error('the embedded broker needs a plain or a TLS listener');
  }

  async start(): Promise<void> {
    this.stopping = false;
    const { store, metrics, logger } = this.options.context;
    const refuse = (client: Client, done: (err: AuthenticateError, ok: false) => void, reason: string, returnCode: number, message: string, fields: Record<string, unknown>) => {
      metrics.rejected(this.name, reason);
      logger.warn({ clientId: client.id, reason, ...fields }, `mqtt connect refused: ${message}`);
      done(Object.assign(new Error(message), { returnCode }), false);
    };
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const deviceId = authenticateDevice(store, username, password);
        if (!deviceId) {
          refuse(client, done, 'bad_credentials', BAD_USERNAME_OR_PASSWORD, 'bad username or password', { username });
          return;
        }
        // Bound to the device: another id would let it disconnect that client and fake its last will.
        if (!clientIdBelongsTo(deviceId, client.id)) {
          refuse(client, done, 'client_id_refused', IDENTIFIER_REJECTED, `client id must be '${deviceId}' or '${deviceId}:<suffix>'`, { deviceId });
          return;
        }
        if (!this.sessions.connect(deviceId)) {
          refuse(client, done, 'connection_cap', NOT_AUTHORIZED, `device already holds ${this.options.maxConnectionsPerDevice} connections`, { deviceId });
          return;
        }
        this.connectionOf(client).deviceId = deviceId;
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
        const deviceId = client ? this.connectionOf(client).deviceId : parseTopic(packet.topic)?.deviceId;
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
        const connection = this.connectionOf(client);
        const deviceId = connection.deviceId;
        if (!deviceId || !authorizeSubscription(store, deviceId, subscription.topic)) {
          metrics.rejected(this.name, 'subscription_refused');
          logger.warn({ deviceId, topic: subscription.topic }, 'mqtt subscription refused');
          done(null, null);
          return;
        }
        if (!connection.subscriptions.has(subscription.topic)) {
          if (!this.sessions.subscribe(deviceId)) {
            metrics.rejected(this.name, 'subscription_cap');
            logger.warn({ deviceId, topic: subscription.topic, max: this.options.maxSubscriptionsPerDevice }, 'mqtt subscription refused: device holds its maximum');
            done(null, null);
            return;
          }
          connection.subscriptions.add(subscription.topic);
        }
        done(null, subscription);
      },
    });
    broker.on('unsubscribe', (topics, client) => {
      const connection = client ? this.connectionOf(client) : undefined;
      if (!connection?.deviceId) return;
      for (const topic of topics) if (connection.subscriptions.delete(topic)) this.sessions.unsubscribe(connection.deviceId);
    });
    broker.on('clientError', (client, err) => logger.debug({ clientId: client.id, err }, 'mqtt client error'));
    broker.on('connectionError', (client, err) => logger.debug({ clientId: client.id, err }, 'mqtt connection error'));
    broker.on('client', () => (this.connected += 1));
    broker.on('clientDisconnect', () => (this.connected -= 1));
    this.broker = broker;

    const { port, host, tls: t } = this.options;
    if (port !== undefined) {
      const server = net.createServer((socket) => this.accept(broker, socket));
      this.boundPort = await this.listen(server, port, host);
      logger.info({ host, port: this.boundPort }, 'embedded MQTT broker listening');
    }
    if (t) {
      const server = tls.createServer({ cert: readFileSync(t.certFile), key: readFileSync(t.keyFile), minVersion: 'TLSv1.2' }, (socket) => this.accept(broker, socket));
      server.on('tlsClientError', (err) => logger.debug({ err }, 'mqtts handshake failed'));
      this.boundTlsPort = await this.listen(server, t.port, t.host ?? host);
      logger.info({ host: t.host ?? host, port: this.boundTlsPort }, 'embedded MQTT broker listening for TLS (mqtts)');
    }
  }

  /**
   * Hands a device's connection to aedes behind the packet-size guard, and accounts for it
   * per device until it closes.
   */
  private accept(broker: Aedes, socket: net.Socket): void {
    const { metrics, logger } = this.options.context;
    this.sockets.add(socket);
    // A PUBACK is a 4-byte write: Nagle would hold it until the device's delayed ACK (~40 ms),
    // and a device with a bounded in-flight window would wait on it.
    socket.setNoDelay(true);
    const guard = new PacketSizeGuard(this.options.maxPacketBytes);
    const conn = Duplex.from({ readable: socket.pipe(guard), writable: socket });
    const connection: Connection = { subscriptions: new Set() };
    this.connections.set(conn, connection);
    guard.on('error', (err) => {
      if (err instanceof PacketTooLargeError) {
        metrics.rejected(this.name, 'packet_too_large');
        logger.warn({ deviceId: connection.deviceId, remote: socket.remoteAddress, declaredBytes: err.declaredBytes, maxBytes: err.maxBytes }, 'mqtt packet too large: connection closed before reading it');
      } else if (err instanceof MalformedLengthError) {
        metrics.rejected(this.name, 'malformed_packet');
        logger.debug({ deviceId: connection.deviceId, err }, 'malformed mqtt packet: connection closed');
      }
      // Anything else is the connection ending with an error, already aedes' to handle.
      socket.destroy();
    });
    socket.once('close', () => {
      this.sockets.delete(socket);
      conn.destroy();
      if (connection.deviceId) this.sessions.disconnect(connection.deviceId, connection.subscriptions.size);
    });
    broker.handle(conn);
  }

  /** Every client aedes knows came through accept(); a missing entry would be a bug, and holds no device. */
  private connectionOf(client: Client): Connection {
    return this.connections.get(client.conn) ?? { subscriptions: new Set() };
  }

  private async listen(server: net.Server, port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.servers.push(server);
    return (server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const servers = this.servers.splice(0);
    const broker = this.broker;
    this.broker = undefined;
    for (const s of this.sockets) s.destroy();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  health(): InputHealth {
    const listening = this.servers.length > 0 && this.servers.every((s) => s.listening);
    return { ok: listening, details: { port: this.boundPort, tlsPort: this.boundTlsPort, connectedClients: this.connected } };
  }
}
