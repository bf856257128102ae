export { startGateway, DEFAULT_MAX_PENDING, type Gateway, type GatewayOptions } from './gateway.js';
export { loadGatewayConfig, parseGatewayConfig, GatewayConfigSchema, ConfigError, type GatewayConfig, type GatewayConfigInput } from './config.js';
export type { GatewayStats } from './http/gateway-metrics.js';
export type { HealthReport } from './http/admin-server.js';
export { SinkError, OutboxFullError } from './errors.js';
export { addToTrustList, trustedCertificatesDir } from './inputs/opcua/trust-list.js';
