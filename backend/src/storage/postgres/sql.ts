import type { QueryResult, QueryResultRow } from 'pg';

/** What a repo queries through: the pool (each statement on its own) or a transaction's client. */
export interface Sql {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

/** The rows of a query. */
export async function rows<R extends QueryResultRow>(db: Sql, text: string, values: unknown[] = []): Promise<R[]> {
  return (await db.query<R>(text, values)).rows;
}

/** The first row of a query, if any. */
export async function row<R extends QueryResultRow>(db: Sql, text: string, values: unknown[] = []): Promise<R | undefined> {
  return (await db.query<R>(text, values)).rows[0];
}
