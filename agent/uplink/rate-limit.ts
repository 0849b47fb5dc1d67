// A token bucket on bytes for thin radio/LTE links: how long to wait before sending N bytes.
// Time is injected; a rate of 0 means no cap. Pure apart from its own state.
export class ByteRateLimit {
  private tokens: number;
  private last: number;

  constructor(private readonly bytesPerSecond: number, private readonly now: () => number, private readonly burstBytes = bytesPerSecond) {
    this.tokens = burstBytes;
    this.last = now();
  }

  /** Milliseconds to wait before sending; 0 means send now (and the bytes are taken). */
  take(bytes: number): number {
    if (this.bytesPerSecond <= 0) return 0;
    const t = this.now();
    this.tokens = Math.min(this.burstBytes, this.tokens + ((t - this.last) / 1000) * this.bytesPerSecond);
    this.last = t;
    if (this.tokens <= 0) return Math.ceil((-this.tokens / this.bytesPerSecond) * 1000) || 1;
    // A message larger than the bucket may go when the bucket is full; the debt delays what follows.
    this.tokens -= bytes;
    return 0;
  }
}
