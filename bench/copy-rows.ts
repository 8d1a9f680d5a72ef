import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export interface Row {
  seriesId: number;
  ts: number;
  value: number;
}

/** COPY's text format, in chunks of `rowsPerChunk` lines: rendered ahead so the COPY timing is the server's and the wire's. */
export function copyText(rows: Iterable<Row>, rowsPerChunk = 10_000): string[] {
  const chunks: string[] = [];
  let lines: string[] = [];
  for (const r of rows) {
    lines.push(`${r.seriesId}\t${new Date(r.ts).toISOString()}\t${r.value}\n`);
    if (lines.length === rowsPerChunk) {
      chunks.push(lines.join(''));
      lines = [];
    }
  }
  if (lines.length) chunks.push(lines.join(''));
  return chunks;
}

/** `COPY <table> (series_id, ts, value) FROM STDIN` on a connection of its own; rows copied and seconds taken. */
export async function copyInto(databaseUrl: string, table: string, chunks: string[]): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const stream = client.query(copyFrom(`COPY ${table} (series_id, ts, value) FROM STDIN`));
    await pipeline(Readable.from(chunks), stream);
    return { rows: stream.rowCount, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}
