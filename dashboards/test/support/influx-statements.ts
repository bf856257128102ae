/** Runs InfluxQL statements (setup, backfills) and fails on the first one influxd refuses. */
export async function runStatements(url: string, statements: string[]): Promise<void> {
  for (const q of statements) {
    const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
    const body = (await res.json()) as { results?: { error?: string }[]; error?: string };
    const error = body.error ?? body.results?.find((r) => r.error)?.error;
    if (!res.ok || error) throw new Error(`'${q}': ${error ?? res.status}`);
  }
}
