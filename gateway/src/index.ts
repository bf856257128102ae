export { startGateway, DEFAULT_MAX_PENDING, type Gateway, type GatewayOptions } from './gateway.js';
export { loadGatewayConfig, parseGatewayConfig, GatewayConfigSchema, type GatewayConfig, type GatewayConfigInput } from './config.js';
export type { GatewayStats } from './http/gateway-metrics.js';
export type { HealthReport } from './http/admin-server.js';
export { SinkError, OutboxFullError } from './errors.js';
// The edge's pure pipeline (device bytes → readings → what the backend is sent), for offline
// replays such as the bench's peak-hour forwarding figure.
export { buildStoreContext, type StoreContext } from './store-context.js';
export { BoardDecoder } from './inputs/serial/board-decoder.js';
export { mapMessage } from './inputs/mqtt/message-mapper.js';
export { caseValueToReading } from './inputs/opcua/case-reading.js';
export { BackendSink } from './sinks/backend/backend-sink.js';
// The store-to-backend path (durable outbox, sink runner, backend sink) without the inputs,
// for drills and the bench that stand up many stores' gateways in one process.
export { Outbox } from './outbox/outbox.js';
export { SinkRunner } from './sinks/sink-runner.js';
export { GatewayMetrics } from './http/gateway-metrics.js';
export { addToTrustList, trustedCertificatesDir } from './inputs/opcua/trust-list.js';
