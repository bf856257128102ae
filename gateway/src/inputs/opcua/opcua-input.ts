import path from 'node:path';
import type { Reading } from '@shelfwatch/contracts';
import type { Input, InputContext, InputHealth } from '../input.js';
import { appendUnacknowledged } from '../append-unacknowledged.js';
import { admitEventTimes } from '../event-time-filter.js';
import { RejectLog } from '../reject-log.js';
import type { ControllerConnection, SecurityPolicyName } from './controller-connection.js';

export interface OpcuaInputOptions {
  context: InputContext;
  controllers: Record<string, { endpointUrl: string; certificateThumbprint?: string }>;
  pkiDir: string;
  /** Sign & encrypt with this policy; 'None' only when the config allowed it explicitly. */
  securityPolicy: SecurityPolicyName;
  publishingIntervalMs: number;
}

/** Refrigeration case controllers over OPC UA: subscriptions, never polling. */
export class OpcuaInput implements Input {
  readonly name = 'opcua';
  private readonly connections = new Map<string, ControllerConnection>();
  private readonly rejectLog: RejectLog;

  constructor(private readonly options: OpcuaInputOptions) {
    this.rejectLog = new RejectLog(options.context.logger);
  }

  init(): void {
    for (const [id, c] of Object.entries(this.options.controllers)) {
      if (!this.options.context.store.casesByController.has(id)) throw new Error(`OPC UA controller '${id}' is not in the layout`);
      if (!c.endpointUrl.startsWith('opc.tcp://')) throw new Error(`OPC UA controller '${id}': endpointUrl must be opc.tcp://`);
    }
  }

  async start(): Promise<void> {
    if (Object.keys(this.options.controllers).length === 0) return;
    // node-opcua costs about 50 MB and a second to load: only a gateway with controllers pays it.
    const [{ controllerTrust, createCertificateManager }, { ControllerConnection }] = await Promise.all([import('./certificates.js'), import('./controller-connection.js')]);
    const { logger, metrics } = this.options.context;
    const pki = path.join(this.options.pkiDir, 'client');
    const certificateManager = await createCertificateManager(pki);
    if (this.options.securityPolicy === 'None') {
      logger.warn({ controllers: Object.keys(this.options.controllers) }, 'OPC UA security is OFF (securityPolicy None, allowInsecure): controller passwords and values cross the network in clear, and any server at a controller address is believed');
    } else {
      logger.info({ securityPolicy: this.options.securityPolicy, trusted: path.join(pki, 'trusted/certs') }, 'OPC UA controllers: sign & encrypt, trust list');
    }
    for (const [controllerId, c] of Object.entries(this.options.controllers)) {
      const caseId = this.options.context.store.casesByController.get(controllerId)!.id;
      const trust = controllerTrust(certificateManager, c.certificateThumbprint, (refused) => {
        metrics.rejected(this.name, 'certificate_untrusted');
        this.rejectLog.log(
          `${controllerId}:certificate`,
          { controller: controllerId, endpointUrl: c.endpointUrl, ...refused, rejectedDir: path.join(pki, 'rejected'), trustedDir: path.join(pki, 'trusted/certs') },
          'OPC UA controller certificate not trusted: connection refused, nothing sent to it (to trust it, move it from rejectedDir to trustedDir or pin its thumbprint in opcua.controllers)',
        );
      });
      const connection = new ControllerConnection({
        context: this.options.context,
        controllerId,
        caseId,
        endpointUrl: c.endpointUrl,
        certificateManager: trust,
        securityPolicy: this.options.securityPolicy,
        publishingIntervalMs: this.options.publishingIntervalMs,
        emit: (readings) => this.append(readings),
        admit: (readings) => admitEventTimes(this.options.context, this.name, this.rejectLog, readings),
        reject: (reason, detail) => {
          this.options.context.metrics.rejected(this.name, reason);
          this.rejectLog.log(`${controllerId}:${reason}`, { controller: controllerId, reason, detail }, 'OPC UA value rejected');
        },
      });
      this.connections.set(controllerId, connection);
      connection.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.stop()));
    this.connections.clear();
  }

  health(): InputHealth {
    const controllers = Object.fromEntries([...this.connections.entries()].map(([id, c]) => [id, { online: c.isOnline, sessions: c.sessions }]));
    return { ok: [...this.connections.values()].every((c) => c.isOnline), details: { controllers } };
  }

  private append(readings: Reading[]): void {
    appendUnacknowledged(this.options.context, this.name, this.rejectLog, readings, 'OPC UA readings');
  }

}
