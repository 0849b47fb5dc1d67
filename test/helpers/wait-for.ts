// Polling for end-to-end tests: wait until a condition holds, with a generous deadline and a message
// that says what was awaited and what was last seen. Tests never assert timings, only outcomes.
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Describes the last value seen, for the timeout message. */
  describe?: () => unknown | Promise<unknown>;
}

/** Thrown by a check to give up at once: what it waits for can no longer happen. */
export class StopWaiting extends Error {}

/** Resolves with the first truthy result of `check`; rejects after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      if (err instanceof StopWaiting) throw err;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const seen = options.describe ? JSON.stringify(await options.describe()) : undefined;
      const why = lastError ? `; last error: ${(lastError as Error).message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen ? `; last seen ${seen}` : ''}${why}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with `promise`, or rejects naming `what` if it has not settled within `ms` (a hang, not a timing). */
export async function within<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
