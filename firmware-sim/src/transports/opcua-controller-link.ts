import { CASE_CONTROLLER_NAMESPACE, CASE_CONTROLLER_OBJECT, CASE_IDENTITY, CASE_VARIABLES, caseNodeId, type CaseVariable } from '@shelfwatch/contracts';
import { startOpcuaServer, type OpcuaServerHandle } from '@shelfwatch/test-support';
import { DataType, StatusCodes, Variant, type UAVariable } from 'node-opcua';
import type { ValueChange } from '../firmware/controller-firmware.js';

export interface OpcuaControllerLinkOptions {
  controllerId: string;
  /** The controller's own password (user name = controller id), from the store's credentials. */
  password: string;
  caseId: string;
  /** Per-simulation PKI folder. */
  pkiDir: string;
  port?: number;
}

/**
 * One case controller as an OPC UA server, exposing exactly the contracts layout. Values
 * carry the simulated time as their source timestamp. stop()/start() is a controller
 * reboot on the same port; after it the last values come back with their original
 * timestamps, so a client that re-reads them sees the same readings, not new ones.
 */
export class OpcuaControllerLink {
  private handle: OpcuaServerHandle | null = null;
  private variables = new Map<CaseVariable, UAVariable>();
  /** What the server holds: the last value set per variable. */
  private readonly held = new Map<CaseVariable, ValueChange>();
  private port: number | undefined;

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

  async start(): Promise<void> {
    if (this.handle) return;
    this.variables = new Map();
    const handle = await startOpcuaServer({
      ...(this.port === undefined ? {} : { port: this.port }),
      pkiDir: this.opts.pkiDir,
      // The controller accepts only its own credentials: no anonymous sessions.
      users: { [this.opts.controllerId]: this.opts.password },
      configure: (addressSpace) => {
        const ns = addressSpace.registerNamespace(CASE_CONTROLLER_NAMESPACE);
        const obj = ns.addObject({
          organizedBy: addressSpace.rootFolder.objects,
          browseName: CASE_CONTROLLER_OBJECT,
          nodeId: `s=${CASE_CONTROLLER_OBJECT}`,
        });
        const identity = { controllerId: this.opts.controllerId, caseId: this.opts.caseId };
        for (const key of ['controllerId', 'caseId'] as const) {
          const { browseName } = CASE_IDENTITY[key];
          ns.addVariable({
            propertyOf: obj,
            browseName,
            nodeId: `s=${caseNodeId(browseName)}`,
            dataType: 'String',
            minimumSamplingInterval: 0,
            value: { dataType: DataType.String, value: identity[key] },
          });
        }
        for (const variable of Object.keys(CASE_VARIABLES) as CaseVariable[]) {
          const def = CASE_VARIABLES[variable];
          const v = ns.addVariable({
            componentOf: obj,
            browseName: def.browseName,
            nodeId: `s=${caseNodeId(def.browseName)}`,
            dataType: def.dataType,
            minimumSamplingInterval: 0,
          });
          this.variables.set(variable, v);
        }
      },
    });
    this.handle = handle;
    this.port = handle.port;
    for (const change of this.held.values()) this.set(change);
  }

  /** Applies value changes; returns how many were set on the server (0 while it is down). */
  apply(changes: ValueChange[]): number {
    if (!this.handle) return 0;
    for (const c of changes) {
      this.held.set(c.variable, c);
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
    const v = this.variables.get(change.variable);
    if (!v) return;
    const dataType = CASE_VARIABLES[change.variable].dataType === 'Double' ? DataType.Double : DataType.Boolean;
    v.setValueFromSource(new Variant({ dataType, value: change.value }), StatusCodes.Good, new Date(change.sourceTsMs));
  }

  async stop(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    this.variables = new Map();
    await handle?.stop();
  }
}
