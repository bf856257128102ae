import { CASE_CONTROLLER_NAMESPACE, CASE_IDENTITY, CASE_VARIABLES, CaseVariable, caseNodeId, type Reading } from '@shelfwatch/contracts';
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  DataChangeFilter,
  MessageSecurityMode,
  SecurityPolicy,
  DataChangeTrigger,
  DeadbandType,
  OPCUAClient,
  StatusCodes,
  TimestampsToReturn,
  UserTokenType,
  type ClientSession,
  type DataValue,
  type OPCUACertificateManager,
} from 'node-opcua';
import { Worker, type BackoffPolicy } from '@shelfwatch/service-kit';
import { deviceStatusReading } from '../device-status.js';
import type { InputContext } from '../input.js';
import { LastHeard } from '../last-heard.js';
import { caseValueToReading } from './case-reading.js';
import { readLoggedValues } from './history-backfill.js';

export interface ControllerConnectionOptions {
  context: InputContext;
  controllerId: string;
  caseId: string;
  endpointUrl: string;
  certificateManager: OPCUACertificateManager;
  securityPolicy: SecurityPolicyName;
  emit: (readings: Reading[]) => void;
  reject: (reason: string, detail: string) => void;
  /** Keeps the readings whose event time the gateway accepts (the rest are counted and logged). */
  admit: (readings: Reading[]) => Reading[];
  backoff?: BackoffPolicy;
  publishingIntervalMs: number;
}

const VARIABLES = CaseVariable.options;

/** A value the controller reported, for the variable at the monitored item's index. */
interface Notified {
  variable: CaseVariable | undefined;
  dataValue: DataValue;
}

export type SecurityPolicyName = 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss' | 'None';

/**
 * One refrigeration controller, supervised: connect → session → identity check →
 * subscription with a monitored item per variable. Any loss (socket, session, keep-alive,
 * subscription) tears everything down and starts over with backoff, rather than trusting
 * a half-repaired session: a controller that rebooted has none of our subscriptions. The
 * controller is reported offline (device.status) from the loss until it is back.
 */
export class ControllerConnection {
  private readonly worker: Worker;
  private wakeLost: ((reason: string) => void) | undefined;
  private online: boolean | undefined;
  /** Source time of the newest value taken per variable: older or repeated values are not new readings. */
  private readonly lastTs = new Map<CaseVariable, number>();
  private connects = 0;
  private readonly lastHeard = new LastHeard();
  private pendingOnline: string | undefined;
  /**
   * The first value each monitored item reports on a new subscription is what the controller
   * held when it was reached (sampled as the item is created): the newest of them dates "online".
   * `before`: the newest value known before, so a controller that changed nothing meanwhile
   * is dated by its first new value (`firstNew`) instead.
   */
  private reached: { pending: Set<number>; newest: number; before: number; firstNew: number | null } | null = null;
  /** Notifications held while the controller's log is read, so values stay in time order. */
  private held: Notified[] | null = null;
  /** The notifications of the publish response being delivered (see onChanged). */
  private batch: Notified[] = [];

  constructor(private readonly options: ControllerConnectionOptions) {
    const { controllerId, context } = options;
    this.worker = new Worker({
      name: `OPC UA controller ${controllerId}`,
      logger: context.logger,
      backoff: options.backoff ?? { initialMs: 250, maxMs: 5_000 },
      // Every session ends in a "failure": the reason it was lost, and a reconnect after backoff.
      pass: (signal) => this.session(signal),
      onFailure: (err, attempt, delayMs) => {
        const reason = (err as Error).message;
        this.setOnline(false, reason);
        if (attempt === 1 || attempt % 20 === 0) context.logger.warn({ controller: controllerId, reason, attempt, delayMs: Math.round(delayMs) }, 'OPC UA controller unavailable; retrying');
      },
    });
  }

  get isOnline(): boolean {
    return this.online === true;
  }

  get sessions(): number {
    return this.connects;
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }

  /** One connection's life; throws why it ended. */
  private async session(stopping: AbortSignal): Promise<never> {
    const { controllerId, caseId, endpointUrl, context } = this.options;
    const client = OPCUAClient.create({
      applicationName: 'ShelfWatchGateway',
      endpointMustExist: false,
      // The supervisor owns reconnection (it recreates session and subscriptions), so the
      // client itself does not retry.
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 500 },
      clientCertificateManager: this.options.certificateManager,
      // Sign & encrypt unless explicitly configured off: the controller password and the
      // values then travel only to a server whose certificate the trust list holds.
      securityPolicy: SecurityPolicy[this.options.securityPolicy],
      securityMode: this.options.securityPolicy === 'None' ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt,
      keepSessionAlive: true,
      requestedSessionTimeout: 30_000,
    });
    const lost = new Promise<string>((resolve) => {
      this.wakeLost = resolve;
      stopping.addEventListener('abort', () => resolve('stopping'), { once: true });
      client.on('connection_lost', () => resolve('connection lost'));
      client.on('close', () => resolve('connection closed'));
    });
    try {
      await client.connect(endpointUrl);
      // A controller with credentials in the store's file is logged in to as itself; one
      // without gets an anonymous session (and a well-configured controller refuses it).
      const credential = context.store.credentials[controllerId];
      const session = await client.createSession(
        credential ? { type: UserTokenType.UserName, userName: controllerId, password: credential.password } : undefined,
      );
      session.on('session_closed', () => this.wakeLost?.('session closed'));
      session.on('keepalive_failure', () => this.wakeLost?.('session keep-alive failed'));
      const ns = (await session.readNamespaceArray()).indexOf(CASE_CONTROLLER_NAMESPACE);
      if (ns < 0) throw new Error(`server has no namespace ${CASE_CONTROLLER_NAMESPACE}`);
      const nodeId = (browseName: string) => `ns=${ns};s=${caseNodeId(browseName)}`;
      const identity = await session.read([
        { nodeId: nodeId(CASE_IDENTITY.controllerId.browseName), attributeId: AttributeIds.Value },
        { nodeId: nodeId(CASE_IDENTITY.caseId.browseName), attributeId: AttributeIds.Value },
      ]);
      const [gotController, gotCase] = identity.map((d) => d.value.value as unknown);
      if (gotController !== controllerId || gotCase !== caseId) {
        throw new Error(`identity mismatch: server says controller '${String(gotController)}' case '${String(gotCase)}', expected '${controllerId}'/'${caseId}'`);
      }
      const subscription = await session.createSubscription2({
        requestedPublishingInterval: this.options.publishingIntervalMs,
        requestedLifetimeCount: 120,
        requestedMaxKeepAliveCount: 10,
        maxNotificationsPerPublish: 0,
        publishingEnabled: true,
        priority: 10,
      });
      subscription.on('terminated', () => this.wakeLost?.('subscription terminated'));
      this.held = [];
      this.reached = { pending: new Set(VARIABLES.map((_, i) => i)), newest: -Infinity, before: this.lastHeard.lastHeard(controllerId, -Infinity), firstNew: null };
      // Listening before the items exist: a publish response read in the same network chunk as
      // the creation's answer is delivered before an awaited creation resumes, and its values
      // (each item's first, the controller's state when reached) would be lost.
      const group = ClientMonitoredItemGroup.create(
        subscription,
        VARIABLES.map((v) => ({ nodeId: nodeId(CASE_VARIABLES[v].browseName), attributeId: AttributeIds.Value })),
        // Sampling as fast as the server allows, a deep queue that keeps the oldest values:
        // a door opening for 2 s between two publishes must not be lost. The trigger includes
        // the source timestamp: a controller that re-asserts an unchanged value (after a
        // reboot, or as a periodic sample) has taken a new measurement, and temperature
        // records are judged by their samples, not only by their changes.
        {
          samplingInterval: 0,
          queueSize: 1000,
          discardOldest: false,
          filter: new DataChangeFilter({ trigger: DataChangeTrigger.StatusValueTimestamp, deadbandType: DeadbandType.None }),
        },
        TimestampsToReturn.Both,
      );
      group.on('changed', (_item, dataValue, index) => {
        // A value the controller does not have yet (bad status, no source time) says nothing about when it was reached.
        if (this.reached?.pending.delete(index) && dataValue.statusCode.isGood() && dataValue.sourceTimestamp) {
          this.reached.newest = Math.max(this.reached.newest, dataValue.sourceTimestamp.getTime());
        }
        this.onChanged({ variable: VARIABLES[index], dataValue });
      });
      const created = new Promise<null>((resolve, reject) => {
        group.once('initialized', () => resolve(null));
        group.once('err', (message) => reject(new Error(`monitored items not created: ${message}`)));
      });
      // The group says nothing if its subscription dies before the items exist: the loss ends the wait.
      const gone = await Promise.race([created, lost]);
      if (gone !== null) throw new Error(gone);
      // Online as of when the controller was reached again (see announceOnline; its log comes first).
      this.setOnline(true, 'session established');
      await this.backfill(session, nodeId);
      this.connects += 1;
      this.worker.succeeded();
      context.logger.info({ controller: controllerId, endpointUrl }, 'OPC UA controller subscribed');
      throw new Error(await lost);
    } finally {
      this.held = null;
      this.wakeLost = undefined;
      await client.disconnect().catch(() => undefined);
    }
  }

  /**
   * Takes what the controller logged since the newest value we have (values it set while we
   * were not subscribed: its reboot, ours), with the notifications that arrived meanwhile, in time order.
   */
  private async backfill(session: ClientSession, nodeId: (browseName: string) => string): Promise<void> {
    let logged: Notified[] = [];
    try {
      logged = await readLoggedValues(
        session,
        VARIABLES.map((variable) => ({ variable, nodeId: nodeId(CASE_VARIABLES[variable].browseName), sinceMs: this.lastTs.get(variable) })),
      );
    } catch (err) {
      this.options.context.logger.warn({ controller: this.options.controllerId, err: (err as Error).message }, 'could not read the controller log; values set before the subscription are missing');
    } finally {
      const held = this.held ?? [];
      this.held = null;
      // The log and the held notifications overlap (repeats are dropped by source time per variable).
      this.emitInOrder([...logged, ...held]);
    }
  }

  /**
   * A publish response delivers its notifications monitored item by monitored item (the
   * server collects each item's queue in turn), so a door change can come after newer air
   * values of the same controller. The client library emits one response's notifications
   * synchronously, one after the other: they are gathered and put back into the controller's
   * own order (source time) when the response is done, before anything else can run. The
   * backend relies on each device's readings arriving in order: a door closing that came
   * after newer air values could arrive after its time was decided.
   */
  private onChanged(n: Notified): void {
    if (this.batch.push(n) > 1) return;
    queueMicrotask(() => {
      const batch = this.batch;
      this.batch = [];
      if (this.held) this.held.push(...batch);
      else this.emitInOrder(batch);
    });
  }

  private emitInOrder(values: Notified[]): void {
    const at = ({ dataValue }: Notified) => this.timeOf(dataValue);
    // Array.prototype.sort is stable: values with the same time keep the server's order.
    for (const { variable, dataValue } of values.sort((a, b) => at(a) - at(b))) this.onValue(variable, dataValue);
    this.announceOnline(null);
  }

  /**
   * "Online" once the log is in, dated when the controller was reached again (see `reached`),
   * in order: before the first value newer than that. The log fills in what the controller set
   * while out of reach, but staff could not see the case then; dating "online" by the first of
   * those values would end the outage minutes early, and by when the log happened to arrive
   * would make the tasks depend on the network's timing.
   */
  private announceOnline(nextTs: number | null): void {
    const detail = this.pendingOnline;
    const r = this.reached;
    if (detail === undefined || this.held !== null || r === null || r.pending.size > 0) return;
    const changed = r.newest > r.before;
    const at = changed ? r.newest : (r.firstNew ?? nextTs);
    if (at === null || (changed && nextTs !== null && nextTs <= at)) return;
    this.pendingOnline = undefined;
    this.emitStatus(true, at, detail);
  }

  /** The controller's time of a value; the server's, or ours, only when it gives none. */
  private timeOf(dataValue: DataValue): number {
    return dataValue.sourceTimestamp?.getTime() ?? dataValue.serverTimestamp?.getTime() ?? this.options.context.clock.now();
  }

  private onValue(variable: CaseVariable | undefined, dataValue: DataValue): void {
    if (!variable) return;
    const { context, controllerId, caseId } = this.options;
    const ts = this.timeOf(dataValue);
    const outcome = caseValueToReading({
      storeId: context.store.storeId,
      controllerId,
      caseId,
      variable,
      value: dataValue.value?.value as unknown,
      statusGood: dataValue.statusCode.equals(StatusCodes.Good),
      tsMs: ts,
    });
    if (!outcome.ok) {
      this.options.reject(outcome.reason, outcome.detail);
      return;
    }
    if (this.options.admit([outcome.reading]).length === 0) return;
    // A re-created subscription repeats the current value with its old source timestamp, and
    // the log overlaps what the subscription reports: nothing new to store.
    const last = this.lastTs.get(variable);
    if (last !== undefined && outcome.reading.ts <= last) return;
    this.lastTs.set(variable, outcome.reading.ts);
    this.announceOnline(outcome.reading.ts);
    if (this.reached && this.reached.firstNew === null) this.reached.firstNew = outcome.reading.ts;
    this.lastHeard.observe(controllerId, outcome.reading.ts);
    context.metrics.deviceSeen(controllerId, context.clock.now());
    this.options.emit([outcome.reading]);
  }

  private setOnline(online: boolean, detail: string): void {
    if (this.online === online) return;
    this.online = online;
    const { context, controllerId } = this.options;
    context.metrics.deviceOnline(controllerId, online);
    // "Online" is dated by the controller (see announceOnline); "offline" is dated when it was last heard.
    this.pendingOnline = online ? detail : undefined;
    if (!online) this.emitStatus(false, this.lastHeard.lastHeard(controllerId, context.clock.now()), detail);
  }

  private emitStatus(online: boolean, ts: number, detail: string): void {
    const { context, controllerId } = this.options;
    this.options.emit([deviceStatusReading({ storeId: context.store.storeId, deviceId: controllerId, deviceKind: 'controller', online, ts, detail })]);
  }
}
