// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- an ambient module declaration (snappyjs ships no types) is brought in by reference; an import of a .d.ts is not allowed
/// <reference path="./snappyjs.d.ts" />
// Referenced, not just present: the client's and the dashboard's type checks compile this file too.
import snappy from 'snappyjs';
import { WriteRequest, type DecodedWriteRequest } from './remote-write-proto.ts';
import type { ReceivedSample } from './received-sample.ts';

/** Uncompressed size a remote-write body may claim; over it the request is refused unread. */
export const MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

/** A request that can never succeed as sent: answered 400 so Prometheus drops it instead of retrying. */
export class ReceiveError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message);
  }
}

export interface RemoteWriteSamples {
  samples: ReceivedSample[];
  /** Native histogram samples, which Vigia does not store. */
  histograms: number;
}

/** Snappy-block-compressed protobuf WriteRequest (remote-write 1.0) → samples, `__name__` as the name. */
export function decodeRemoteWrite(body: Buffer): RemoteWriteSamples {
  let raw: Uint8Array;
  try {
    raw = snappy.uncompress(body, MAX_UNCOMPRESSED_BYTES);
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes('too big')) throw new ReceiveError(`remote write: uncompressed body over ${MAX_UNCOMPRESSED_BYTES} bytes`, 413);
    throw new ReceiveError(`remote write: body is not snappy block-compressed (${message})`, 400);
  }
  let request: DecodedWriteRequest;
  try {
    // The decoded message as it is (no toObject copy): int64 timestamps come as Long or number.
    request = WriteRequest.decode(raw) as unknown as DecodedWriteRequest;
  } catch (error) {
    throw new ReceiveError(`remote write: body is not a prometheus.WriteRequest (${(error as Error).message})`, 400);
  }
  const samples: ReceivedSample[] = [];
  let histograms = 0;
  for (const series of request.timeseries ?? []) {
    let name = '';
    const labels: Record<string, string> = {};
    for (const label of series.labels ?? []) {
      if (label.name === '__name__') name = label.value ?? '';
      // Prometheus treats an empty label value as no label.
      else if (label.name && label.value) labels[label.name] = label.value;
    }
    histograms += series.histograms?.length ?? 0;
    for (const s of series.samples ?? []) {
      // NaN is Prometheus' staleness marker (and an empty summary's quantile): no value to store.
      if (Number.isNaN(s.value)) continue;
      const timestamp = typeof s.timestamp === 'number' ? s.timestamp : (s.timestamp?.toNumber() ?? 0);
      samples.push({ name, value: s.value ?? 0, labels, timestamp: timestamp || undefined });
    }
  }
  return { samples, histograms };
}
