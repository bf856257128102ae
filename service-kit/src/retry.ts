/**
 * HTTP statuses worth retrying, for every service that pushes data to a peer (gateway sinks,
 * the backend's InfluxDB exporter): timeouts, throttling and server-side failures, and also
 * 401/403/404: those say the peer refuses everyone (wrong token, wrong URL, a database that
 * is not there), not this batch. Treating them as permanent would drop or dead-letter every
 * point until someone fixes the peer. Other 4xx are about the batch's content: permanent.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 404 || status === 408 || status === 429 || status >= 500;
}
