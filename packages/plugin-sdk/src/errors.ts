// Hosts tell the two apart by a marker property rather than instanceof, so a plugin that bundles
// its own copy of this package still reports correctly.
const KIND = Symbol.for('vigia.deliveryErrorKind');

/** A failure that may succeed later (timeout, 5xx, 429): the host retries with backoff. */
export class RetryableError extends Error {
  readonly [KIND] = 'retryable';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

/** A failure that will not go away by retrying (4xx, bad address): recorded, never retried. */
export class PermanentError extends Error {
  readonly [KIND] = 'permanent';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export function isPermanentError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[KIND] === 'permanent';
}
