// Rollups computed in JavaScript for the COPY path: pure, so they are tested without a database.
import { microsToMs, type RawColumns } from './sample-copy.ts';

export interface Rollup {
  seriesId: number;
  /** pgMicros of the bucket's start */
  bucket: number;
  min: number;
  max: number;
  sum: number;
  count: number;
}

export const MINUTE_US = 60e6;
export const HOUR_US = 3600e6;

function addTo(buckets: Rollup[], seriesId: number, bucket: number, value: number): void {
  let b = buckets[buckets.length - 1];
  if (b === undefined || b.bucket !== bucket) {
    b = buckets.find((x) => x.bucket === bucket);
    if (b === undefined) {
      buckets.push({ seriesId, bucket, min: value, max: value, sum: value, count: 1 });
      return;
    }
  }
  // NaN orders above every number in PostgreSQL; min and max follow it, as the SQL path would.
  if (value < b.min || b.min !== b.min) b.min = value;
  if (value > b.max || value !== value) b.max = value;
  b.sum += value;
  b.count++;
}

/**
 * 1-minute and 1-hour rollups of exactly these rows, in (series, bucket) order. The rows come
 * grouped by series (toColumns orders them so), so each series is one run.
 */
export function rollUp(rows: RawColumns): { minutes: Rollup[]; hours: Rollup[] } {
  const minutes: Rollup[] = [];
  const hours: Rollup[] = [];
  const byBucket = (a: Rollup, b: Rollup) => a.bucket - b.bucket;
  let seriesMinutes: Rollup[] = [];
  let seriesHours: Rollup[] = [];
  const endSeries = () => {
    minutes.push(...(seriesMinutes.length > 1 ? seriesMinutes.sort(byBucket) : seriesMinutes));
    hours.push(...(seriesHours.length > 1 ? seriesHours.sort(byBucket) : seriesHours));
    seriesMinutes = [];
    seriesHours = [];
  };
  let current = -1;
  for (let i = 0; i < rows.length; i++) {
    const seriesId = rows.seriesIds[i]!;
    if (seriesId !== current) {
      endSeries();
      current = seriesId;
    }
    const us = rows.micros[i]!;
    const value = rows.values[i]!;
    addTo(seriesMinutes, seriesId, Math.floor(us / MINUTE_US) * MINUTE_US, value);
    addTo(seriesHours, seriesId, Math.floor(us / HOUR_US) * HOUR_US, value);
  }
  endSeries();
  return { minutes, hours };
}

export function rollupParams(buckets: Rollup[]): unknown[] {
  return [buckets.map((b) => b.seriesId), buckets.map((b) => microsToMs(b.bucket)), buckets.map((b) => b.min), buckets.map((b) => b.max), buckets.map((b) => b.sum), buckets.map((b) => b.count)];
}
