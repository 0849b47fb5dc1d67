// Reconnect delays: exponential backoff with full jitter (a random delay up to the exponential cap),
// so a fleet that lost its broker does not reconnect in lockstep. Pure.
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * cap);
}
