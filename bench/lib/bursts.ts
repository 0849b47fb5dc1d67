// The producer every throughput figure and its Outbox.append baseline share: calls in bursts (1000 by default)
// joined with Promise.all, the next burst started once the last has settled.

export async function inBursts(n: number, call: (i: number) => Promise<unknown>, size = 1000): Promise<void> {
  for (let i = 0; i < n; i += size) {
    const burst: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(n, i + size); j++) burst.push(call(j));
    await Promise.all(burst);
  }
}
