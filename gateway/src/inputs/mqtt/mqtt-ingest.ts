import { OutboxFullError } from '../../errors.js';
import type { InputContext } from '../input.js';
import { admitEventTimes } from '../event-time-filter.js';
import { LastHeard } from '../last-heard.js';
import { RejectLog } from '../reject-log.js';
import { authorizeTopic } from './device-auth.js';
import { mapMessage } from './message-mapper.js';

/** Refuse this publish: do not acknowledge it. */
export class PublishRefused extends Error {
  override readonly name = 'PublishRefused';
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The one path every device publish takes, in embedded or client mode: topic check,
 * payload validation, durable append. It resolves only once the readings are in the
 * outbox, so the caller acknowledges after it. A malformed payload on the device's own
 * topic resolves too (it is acknowledged: retransmitting cannot fix it) but is counted
 * and logged; a foreign topic or a full outbox rejects (not acknowledged).
 */
export class MqttIngest {
  private readonly rejectLog: RejectLog;
  private readonly lastHeard = new LastHeard();

  constructor(
    private readonly context: InputContext,
    private readonly inputName = 'mqtt',
  ) {
    this.rejectLog = new RejectLog(context.logger);
  }

  refuse(reason: string, fields: Record<string, unknown>, detail: string): PublishRefused {
    this.context.metrics.rejected(this.inputName, reason);
    this.rejectLog.log(`${String(fields.deviceId)}:${reason}`, { ...fields, reason, detail }, 'mqtt publish refused');
    return new PublishRefused(reason, detail);
  }

  async handle(deviceId: string, topic: string, payload: Buffer | string): Promise<void> {
    const { store, metrics, outbox, clock } = this.context;
    const decision = authorizeTopic(store, deviceId, topic);
    if (!decision.ok) throw this.refuse(decision.reason, { deviceId, topic }, decision.detail);
    metrics.deviceSeen(deviceId, clock.now());
    const mapped = mapMessage(store, deviceId, decision.kind, decision.topic.channel, payload);
    for (const r of mapped.rejects) {
      metrics.rejected(this.inputName, r.reason);
      this.rejectLog.log(`${deviceId}:${r.reason}`, { deviceId, topic, reason: r.reason, detail: r.detail }, 'mqtt payload rejected (acknowledged, not stored)');
    }
    // Refused for their time: acknowledged like a malformed payload (resending cannot fix them).
    const admitted = admitEventTimes(this.context, this.inputName, this.rejectLog, mapped.readings);
    if (admitted.length === 0) return;
    const readings = this.lastHeard.track(admitted);
    try {
      await outbox.append(readings);
    } catch (err) {
      if (err instanceof OutboxFullError) throw this.refuse('outbox_full', { deviceId, topic }, err.message);
      this.context.logger.error({ err, deviceId, topic }, 'outbox append failed; publish not acknowledged');
      throw this.refuse('outbox_error', { deviceId, topic }, (err as Error).message);
    }
    metrics.accepted(this.inputName, readings.length);
    for (const r of readings) if (r.kind === 'device.status') metrics.deviceOnline(deviceId, r.online);
  }
}
