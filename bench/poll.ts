let interruption: Error | undefined;
const sleeping = new Set<(error: Error) => void>();

/**
 * Polls `probe` until it returns a truthy value, at most `timeoutMs`. Unlike the tests' waitFor,
 * an exception from the probe ends the wait at once: it means a process under test died.
 */
export async function pollUntil<T>(probe: () => T | Promise<T>, what: string, { timeoutMs = 60_000, intervalMs = 200 } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Every benchmark loop waits here, so an interruption stops them all at their next wait. */
export function sleep(ms: number): Promise<void> {
  if (interruption) return Promise.reject(interruption);
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => {
      sleeping.delete(fail);
      resolve();
    }, ms);
    sleeping.add(fail);
  });
}

/** Ctrl-C: loops must stop writing before their Redis keys are removed, or they write them again. */
export function interruptSleeps(reason: Error): void {
  interruption = reason;
  for (const fail of sleeping) fail(reason);
  sleeping.clear();
}
