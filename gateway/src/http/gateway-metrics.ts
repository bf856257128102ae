import { Counter, Gauge, Registry } from 'prom-client';

export interface GatewayStats {
  /** Readings accepted into the outbox, per input. */
  accepted: Record<string, number>;
  /** Readings delivered, per sink (filtered-out readings not counted). */
  written: Record<string, number>;
  /** Rejected messages/frames/values, by "input:reason". */
  rejected: Record<string, number>;
  /** Readings kept in dead_letters, by "sink:reason" (refused for good, or poison: failing the peer alone). */
  deadLettered: Record<string, number>;
  /** Outbox readings not yet delivered, per sink. */
  outboxPending: Record<string, number>;
  /** Sequence gaps (frames missed) per serial board. */
  sequenceGaps: Record<string, number>;
  /** Serial rejects per board, by "board:reason". */
  frameRejects: Record<string, number>;
}

export const DEAD_LETTER_REASONS = ['refused', 'poison'] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

function bump(map: Record<string, number>, key: string, by: number): void {
  map[key] = (map[key] ?? 0) + by;
}

/**
 * The gateway's self-statistics: one prom-client registry per gateway instance (never the
 * global one, so two gateways in one test process do not collide) plus plain counters for stats().
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly counts = { accepted: {}, written: {}, rejected: {}, deadLettered: {}, sequenceGaps: {}, frameRejects: {} } as Omit<GatewayStats, 'outboxPending'>;
  private readonly readingsIn = new Counter({ name: 'shelfwatch_gateway_readings_in_total', help: 'Readings accepted into the outbox', labelNames: ['input'], registers: [this.registry] });
  private readonly readingsOut = new Counter({ name: 'shelfwatch_gateway_readings_out_total', help: 'Readings delivered to a sink', labelNames: ['sink'], registers: [this.registry] });
  private readonly rejects = new Counter({ name: 'shelfwatch_gateway_rejects_total', help: 'Rejected input messages, frames or values by reason', labelNames: ['input', 'reason'], registers: [this.registry] });
  private readonly deadLetters = new Counter({
    name: 'shelfwatch_gateway_dead_letters_total',
    help: 'Readings kept in the dead_letters table, by sink and reason (refused: the sink refused it for good; poison: the sink kept failing on it alone while others got through)',
    labelNames: ['sink', 'reason'],
    registers: [this.registry],
  });
  private readonly sinkErrors = new Counter({ name: 'shelfwatch_gateway_sink_errors_total', help: 'Failed sink writes', labelNames: ['sink', 'retryable'], registers: [this.registry] });
  private readonly backendFailovers = new Counter({ name: 'shelfwatch_gateway_backend_failovers_total', help: 'Switches of the backend sink to the next backend URL after the current one was unavailable', registers: [this.registry] });
  private readonly boardRejects = new Counter({ name: 'shelfwatch_gateway_frame_rejects_total', help: 'Rejected serial frames (or channels) per board and reason', labelNames: ['board', 'reason'], registers: [this.registry] });
  private readonly gaps = new Counter({ name: 'shelfwatch_gateway_sequence_gaps_total', help: 'Frames missing according to sequence numbers, per serial board', labelNames: ['board'], registers: [this.registry] });
  readonly outboxPending = new Gauge({ name: 'shelfwatch_gateway_outbox_pending', help: 'Outbox readings not yet delivered, per sink', labelNames: ['sink'], registers: [this.registry] });
  readonly outboxOldestAge = new Gauge({ name: 'shelfwatch_gateway_outbox_oldest_age_seconds', help: 'Age of the oldest undelivered outbox reading, per sink', labelNames: ['sink'], registers: [this.registry] });
  /** Per device, one number overwritten in place on every message; the gauge reads it when scraped. */
  private readonly seenAt = new Map<string, number>();
  private readonly lastSeen = new Gauge({
    name: 'shelfwatch_gateway_device_last_seen_seconds',
    help: 'Unix time a device was last heard from',
    labelNames: ['device'],
    registers: [this.registry],
    collect: () => {
      for (const [device, atMs] of this.seenAt) this.lastSeen.set({ device }, atMs / 1000);
    },
  });
  private readonly online = new Gauge({ name: 'shelfwatch_gateway_device_online', help: '1 when the device is connected/online', labelNames: ['device'], registers: [this.registry] });

  accepted(input: string, n: number): void {
    if (n <= 0) return;
    this.readingsIn.inc({ input }, n);
    bump(this.counts.accepted, input, n);
  }

  written(sink: string, n: number): void {
    if (n <= 0) return;
    this.readingsOut.inc({ sink }, n);
    bump(this.counts.written, sink, n);
  }

  rejected(input: string, reason: string, n = 1): void {
    this.rejects.inc({ input, reason }, n);
    bump(this.counts.rejected, `${input}:${reason}`, n);
  }

  frameRejected(board: string, reason: string): void {
    this.boardRejects.inc({ board, reason });
    bump(this.counts.frameRejects, `${board}:${reason}`, 1);
  }

  deadLettered(sink: string, reason: DeadLetterReason, n: number): void {
    if (n <= 0) return;
    this.deadLetters.inc({ sink, reason }, n);
    bump(this.counts.deadLettered, `${sink}:${reason}`, n);
  }

  sinkError(sink: string, retryable: boolean): void {
    this.sinkErrors.inc({ sink, retryable: String(retryable) });
  }

  backendFailover(): void {
    this.backendFailovers.inc();
  }

  sequenceGap(board: string, missing: number): void {
    this.gaps.inc({ board }, missing);
    bump(this.counts.sequenceGaps, board, missing);
  }

  deviceSeen(deviceId: string, atMs: number): void {
    this.seenAt.set(deviceId, atMs);
  }

  deviceOnline(deviceId: string, online: boolean): void {
    this.online.set({ device: deviceId }, online ? 1 : 0);
  }

  snapshot(outboxPending: Record<string, number>): GatewayStats {
    const copy = (m: Record<string, number>) => ({ ...m });
    return {
      accepted: copy(this.counts.accepted),
      written: copy(this.counts.written),
      rejected: copy(this.counts.rejected),
      deadLettered: copy(this.counts.deadLettered),
      sequenceGaps: copy(this.counts.sequenceGaps),
      frameRejects: copy(this.counts.frameRejects),
      outboxPending,
    };
  }
}
