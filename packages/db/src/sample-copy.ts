import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';

/** PostgreSQL counts timestamps in microseconds from 2000-01-01 UTC. */
const PG_EPOCH_SECONDS = 946_684_800;
const TWO_32 = 4_294_967_296;

/**
 * The microseconds since 2000-01-01 that `to_timestamp(ms / 1000.0)` stores for `ms`, computed
 * with the same float8 steps and the same round-half-to-even, so rows written by COPY, by unnest
 * and by the ON CONFLICT fallback land on the same key, and deduplication in JavaScript agrees
 * with the primary key.
 */
export function pgMicros(ms: number): number {
  const x = (ms / 1000 - PG_EPOCH_SECONDS) * 1_000_000;
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `pgMicros` back to ms since the Unix epoch (exact for whole minutes and hours). */
export function microsToMs(us: number): number {
  return us / 1000 + PG_EPOCH_SECONDS * 1000;
}

export interface RawColumns {
  length: number;
  seriesIds: Int32Array;
  /** pgMicros of each timestamp */
  micros: Float64Array;
  values: Float64Array;
}

// COPY BINARY: signature, flags, header extension length.
const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
// Field count, then (length, int4), (length, timestamptz as int8 µs), (length, float8).
const ROW_BYTES = 2 + (4 + 4) + (4 + 8) + (4 + 8);

/**
 * samples_raw rows in COPY's binary format. Binary spares the server parsing a timestamp and a
 * float out of text for every row, which is most of what text COPY costs beyond the index.
 */
export function encodeRawRows(rows: RawColumns): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER.length + rows.length * ROW_BYTES + 2);
  HEADER.copy(buffer, 0);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let at = HEADER.length;
  for (let i = 0; i < rows.length; i++) {
    const us = rows.micros[i]!;
    const high = Math.floor(us / TWO_32);
    view.setInt16(at, 3);
    view.setInt32(at + 2, 4);
    view.setInt32(at + 6, rows.seriesIds[i]!);
    view.setInt32(at + 10, 8);
    view.setInt32(at + 14, high);
    view.setUint32(at + 18, us - high * TWO_32);
    view.setInt32(at + 22, 8);
    view.setFloat64(at + 26, rows.values[i]!);
    at += ROW_BYTES;
  }
  view.setInt16(at, -1);
  return buffer;
}

/** What COPY needs of a pg client: `query` accepting pg-copy-streams' submittable. */
export interface CopyCapableClient {
  query(submittable: Writable): Writable;
}

let copyFromModule: Promise<typeof import('pg-copy-streams')> | undefined;

/** `COPY samples_raw FROM STDIN (FORMAT binary)` on this client; resolves with the rows copied. */
export async function copyRawRows(client: CopyCapableClient, rows: RawColumns): Promise<number> {
  // Loaded on first use: a PGlite-only process never needs it.
  copyFromModule ??= import('pg-copy-streams');
  const { from } = await copyFromModule;
  const data = encodeRawRows(rows);
  const stream = client.query(from('COPY samples_raw (series_id, ts, value) FROM STDIN (FORMAT binary)')) as ReturnType<typeof from>;
  stream.end(data);
  // 'finish' comes after the server's ReadyForQuery; a unique violation arrives as 'error'.
  await finished(stream);
  return stream.rowCount;
}
