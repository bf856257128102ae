import type { CaseVariable } from '@shelfwatch/contracts';
import { addCaseController, type CaseControllerNodes } from '@shelfwatch/contracts/opcua-address-space';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OPCUAServer } from 'node-opcua';
import type { ValueChange } from '../firmware/controller-firmware.js';
import { startOpcuaServer, type OpcuaServerHandle } from './opcua-server.js';

export interface OpcuaControllerLinkOptions {
  controllerId: string;
  /** The controller's own password (user name = controller id), from the store's credentials. */
  password: string;
  caseId: string;
  /** Per-simulation PKI folder. */
  pkiDir: string;
  port?: number;
}

/** Values kept per variable in the controller's log (hours of air temperature at one value per 5 s). */
const HISTORY_VALUES = 5_000;

/**
 * One case controller as an OPC UA server, exposing exactly the contracts layout. Values
 * carry the simulated time as their source timestamp. stop()/start() is a controller
 * reboot on the same port; after it the last values come back with their original
 * timestamps, so a client that re-reads them sees the same readings, not new ones. Each
 * variable keeps its history (the last HISTORY_VALUES values, across reboots) for HistoryRead.
 */
export class OpcuaControllerLink {
  private handle: OpcuaServerHandle | null = null;
  private nodes: CaseControllerNodes | null = null;
  /** What the server holds: the last value set per variable. */
  private readonly held = new Map<CaseVariable, ValueChange>();
  /** The controller's log (in its flash, so it survives a reboot): values set per variable, oldest first. */
  private readonly log = new Map<CaseVariable, ValueChange[]>();
  private port: number | undefined;
  /**
   * The controller's own state, which changes at a simulated instant (the server follows when
   * it can): off (nothing is measured), booting (it measures; values wait for its server),
   * up. What it sets is therefore the same at any speed.
   */
  private power: 'off' | 'booting' | 'up' = 'up';
  /** Source time of the oldest value set that may not have reached a subscriber yet. */
  private unpublishedSinceMs: number | null = null;
  private hadSubscriber = false;
  private queued: { snapshot: ValueChange[]; changes: ValueChange[] } | null = null;

  constructor(private readonly opts: OpcuaControllerLinkOptions) {
    this.port = opts.port;
  }

  get endpointUrl(): string {
    if (this.port === undefined) throw new Error(`controller ${this.opts.controllerId} was never started`);
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  get up(): boolean {
    return this.handle !== null;
  }

  /**
   * The controller's application certificate (DER; the same across reboots). Clients talk
   * to it signed and encrypted, so a gateway must have this certificate in its trust list.
   */
  certificate(): Buffer {
    if (!this.handle) throw new Error(`controller ${this.opts.controllerId} is not running`);
    return this.handle.certificate();
  }

  /** The controller loses power as of now: it sets nothing until powerOn(). */
  powerOff(): void {
    this.power = 'off';
    this.queued = null;
  }

  /** The controller boots as of now with these values (the firmware's); they and what follows are set once start() has the server up. */
  powerOn(snapshot: ValueChange[]): void {
    this.power = 'booting';
    this.queued = { snapshot, changes: [] };
  }

  /** Starts the server; resolves with how many values it set that it did not hold before (the queued ones of a boot). */
  async start(): Promise<number> {
    if (this.handle) return 0;
    this.nodes = null;
    const handle = await startOpcuaServer({
      ...(this.port === undefined ? {} : { port: this.port }),
      pkiDir: this.opts.pkiDir,
      // The controller accepts only its own credentials: no anonymous sessions.
      users: { [this.opts.controllerId]: this.opts.password },
      configure: (addressSpace) => {
        // The controller logs its values (HistoryRead), as store controllers do for their
        // temperature records: a client that subscribes late reads what it missed.
        this.nodes = addCaseController(addressSpace, { controllerId: this.opts.controllerId, caseId: this.opts.caseId }, { historyValues: HISTORY_VALUES });
      },
    });
    this.handle = handle;
    this.port = handle.port;
    // Back up: the log first (so a client can read what it missed before the reboot), ending with the values held.
    for (const changes of this.log.values()) for (const change of changes) this.set(change);
    const queued = this.queued;
    this.queued = null;
    if (this.power === 'off') return 0;
    this.power = 'up';
    // The snapshot already holds the boot step's own changes: restore() sets (and counts) each value once.
    return queued ? this.restore(queued.snapshot) + this.restore(queued.changes) : 0;
  }

  /** Applies value changes; returns how many were set on the server now (a booting controller sets them later, one that is off never). */
  apply(changes: ValueChange[]): number {
    if (this.power === 'booting') this.queued?.changes.push(...changes);
    if (this.power !== 'up' || !this.handle) return 0;
    for (const c of changes) {
      this.unpublishedSinceMs ??= c.sourceTsMs;
      this.held.set(c.variable, c);
      const log = this.log.get(c.variable) ?? [];
      if (log.push(c) > HISTORY_VALUES) log.shift();
      this.log.set(c.variable, log);
      this.set(c);
    }
    return changes.length;
  }

  /** After a reboot: sets the firmware's current values; counts those the server did not hold before. */
  restore(snapshot: ValueChange[]): number {
    let fresh = 0;
    const changed: ValueChange[] = [];
    for (const c of snapshot) {
      const prev = this.held.get(c.variable);
      if (!prev || prev.sourceTsMs !== c.sourceTsMs || prev.value !== c.value) {
        fresh++;
        changed.push(c);
      }
    }
    this.apply(changed);
    return fresh;
  }

  private set(change: ValueChange): void {
    this.nodes?.set(change.variable, change.value, new Date(change.sourceTsMs));
  }

  /**
   * A reboot: the values set before it have reached its subscribers first (in a store they
   * were set long before; only the simulation's compressed time puts them a publishing
   * interval before the power goes).
   */
  /**
   * Whether a value set before limitMs (simulated) may not have reached its subscriber yet.
   * Subscriptions publish on their own interval of wall time; at high speeds the simulation
   * waits for them rather than letting the controller's values trail the other devices' by
   * more than the rules' reordering window. Nobody subscribed: nothing to wait for.
   */
  lagsBehind(limitMs: number): boolean {
    if (this.unpublishedSinceMs === null || this.unpublishedSinceMs >= limitMs || !this.handle) return false;
    if (!subscribed(this.handle.server) || allPublished(this.handle.server)) {
      this.unpublishedSinceMs = null;
      return false;
    }
    return true;
  }

  /** Resolves once a client that was subscribed before the reboot has subscribed again, or after ms. */
  async subscriberBack(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.hadSubscriber && this.handle && !subscribed(this.handle.server) && Date.now() < deadline) await sleep(25);
  }

  async stop(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    this.nodes = null;
    if (!handle) return;
    this.hadSubscriber = subscribed(handle.server);
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && !allPublished(handle.server)) await sleep(25);
    await handle.stop();
  }
}

/** Some client has subscribed to the controller's values. */
function subscribed(server: OPCUAServer): boolean {
  return server.engine.getSessions().some((session) => session.publishEngine.subscriptions.some((sub) => sub.monitoredItemCount > 0));
}

/** No subscription of the server holds a value its client has not been sent yet. */
function allPublished(server: OPCUAServer): boolean {
  return server.engine.getSessions().every((session) =>
    session.publishEngine.subscriptions.every(
      (sub) =>
        !sub.hasPendingNotifications &&
        sub.getMonitoredItems().serverHandles.every((handle) => (sub.getMonitoredItem(handle)?.queue.length ?? 0) === 0),
    ),
  );
}
