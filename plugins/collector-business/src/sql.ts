import pg, { type FieldDef, type PoolConfig, type QueryConfig, type QueryResult } from 'pg';
import { LABEL_NAME, type Sample } from '@vigia/plugin-sdk';
import type { BusinessConfig, BusinessQuery, DatabaseOptions } from './config.ts';

// int8, int2, int4, oid, float4, float8, numeric
const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 1700]);

export function poolConfig(db: DatabaseOptions, config: BusinessConfig): PoolConfig {
  const where: PoolConfig = db.url ? { connectionString: db.url } : { host: db.host, port: db.port, database: db.database, user: db.user, password: db.password };
  return {
    ...where,
    max: 2,
    statement_timeout: config.statement_timeout_ms,
    connectionTimeoutMillis: config.statement_timeout_ms,
    application_name: 'vigia-collector-business',
    // Read-only by default for the whole session too, should a statement ever run outside our BEGIN.
    options: '-c default_transaction_read_only=on',
  };
}

/** `user@host:port/database` for messages: never the password. */
export function describeDatabase(db: DatabaseOptions): string {
  if (!db.url) return `${db.user}@${db.host}:${db.port}/${db.database}`;
  try {
    const u = new URL(db.url);
    return `${decodeURIComponent(u.username) || '(default user)'}@${u.hostname}:${u.port || 5432}${decodeURIComponent(u.pathname) || '/'}`;
  } catch {
    return '(the configured url)';
  }
}

/**
 * Runs one configured query in a read-only transaction that is always rolled back. The extended
 * protocol allows a single statement, so `COMMIT; DELETE …` cannot step outside the transaction.
 */
export async function runReadOnly(pool: pg.Pool, sql: string, timeoutMs: number): Promise<QueryResult> {
  const client = await pool.connect();
  let broken = false;
  try {
    // The SELECT takes the transaction's first snapshot, after which PostgreSQL refuses
    // `SET TRANSACTION READ WRITE`: the configured statement cannot turn the transaction writable.
    await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.trunc(timeoutMs)}; SELECT 1`);
    // `queryMode` is honoured by pg but missing from its type definitions.
    return await client.query({ text: sql, queryMode: 'extended' } as QueryConfig);
  } finally {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    client.release(broken);
  }
}

function labelValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

const isNumeric = (f: FieldDef) => NUMERIC_TYPES.has(f.dataTypeID);

/**
 * One row with one numeric column → one sample; rows with a numeric `value` column → one sample
 * per row, the other columns as labels.
 */
export function toSamples(query: BusinessQuery, result: QueryResult): Sample[] | { problem: string } {
  const { fields, rows } = result;
  const unit = query.unit ? { unit: query.unit } : {};
  // NULL (a `sum` over no rows) and NaN / Infinity are no reading, so no sample.
  const number = (v: unknown) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
  if (fields.length === 1 && fields[0]!.name !== 'value') {
    if (!isNumeric(fields[0]!)) return { problem: `column ${fields[0]!.name} is not numeric` };
    if (rows.length !== 1) return { problem: `expected one row, got ${rows.length}` };
    const value = number(rows[0][fields[0]!.name]);
    return value === null ? [] : [{ name: query.name, value, ...unit }];
  }
  const valueField = fields.find((f) => f.name === 'value');
  if (!valueField) return { problem: 'expected one numeric column, or a numeric column named value with text columns as labels' };
  if (!isNumeric(valueField)) return { problem: 'column value is not numeric' };
  const labelFields = fields.filter((f) => f !== valueField);
  const badLabel = labelFields.find((f) => !LABEL_NAME.test(f.name) || f.name.startsWith('__'));
  if (badLabel) return { problem: `column ${JSON.stringify(badLabel.name)} cannot be a label name` };
  const samples: Sample[] = [];
  for (const row of rows) {
    const value = number(row.value);
    if (value === null) continue;
    const labels = Object.fromEntries(labelFields.map((f) => [f.name, labelValue(row[f.name])]));
    samples.push({ name: query.name, value, ...(labelFields.length ? { labels } : {}), ...unit });
  }
  return samples;
}
