import type { Labels } from '@vigia/core';

export interface StoredSample {
  name: string;
  labels: Labels;
  unit?: string;
  value: number;
  /** ms since the epoch */
  timestamp: number;
  /** seriesKey(name, labels), when the caller has it already (stream batches carry it) */
  key?: string;
}

/**
 * Samples written and retried as one, under an id that stays the same across retries (the
 * ingest stream entry id). The transaction that writes them records the id; a batch whose id is
 * recorded already was written before and is skipped.
 */
export interface HistoryBatch {
  id: string;
  samples: StoredSample[];
}

export interface InsertResult {
  /** Rows added to samples_raw. */
  written: number;
  /** Samples left out for having the series and timestamp of an earlier sample in the same call. */
  duplicates: number;
  /** Batches whose id was recorded already: written before, not again. */
  skippedBatches: number;
  /**
   * `fast`: raw rows without ON CONFLICT (COPY on PostgreSQL), rollups summed in JavaScript;
   * `conflict`: the ON CONFLICT statement, after the fast path met a row stored already.
   */
  path: 'fast' | 'conflict' | 'none';
}

export interface HistoryPoint {
  t: number;
  v: number;
  min?: number;
  max?: number;
}

export interface HistorySeries {
  name: string;
  labels: Labels;
  unit: string | null;
  points: HistoryPoint[];
}

export interface SeriesRow {
  id: number;
  key: string;
  name: string;
  labels: Labels;
  unit: string | null;
}
