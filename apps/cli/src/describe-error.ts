/** One line for an error from a driver or the network; Node's AggregateError (IPv4 and IPv6 both refused) has no message of its own. */
export function describeError(error: unknown): string {
  const e = error as Error & { code?: string; errors?: unknown[]; cause?: unknown };
  if (e?.message) return e.message;
  if (e?.errors?.length) return describeError(e.errors[0]);
  if (e?.code) return e.code;
  if (e?.cause) return describeError(e.cause);
  return String(error);
}
