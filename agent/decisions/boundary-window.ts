// Boundary windows: the last K seconds of conditions kept in memory, so that when a handover or a
// no-go happens, the window before it and the K seconds after it are recorded as critical. Pure.
import type { Body } from '../../proto/index.js';

export interface WindowSample {
  /**
   * Kept only while the sample is unrecorded: one being recorded drops it, so a window of thousands
   * of recorded samples holds their times and seqs, not their bodies (less heap, less GC work).
   */
  body?: Body;
  atMs: number;
  timeUnixNs: bigint;
  monoNs: bigint;
  /** Seq it was recorded as, if it was recorded. */
  seq?: number;
}

/** A sample nobody recorded yet: it still has its body. */
export type UnrecordedSample = WindowSample & { body: Body };

export interface BoundaryPlan {
  /** Samples from the window not yet recorded: append them now, as critical. */
  toAppend: UnrecordedSample[];
  /** Seqs already recorded inside the window: raise their segments to critical. */
  toPromote?: { firstSeq: number; lastSeq: number };
}

export class BoundaryWindow {
  private samples: WindowSample[] = [];
  /** Samples before this index have left the window; compacted now and then, never on every sample. */
  private head = 0;
  private criticalUntilMs = -Infinity;
  private lastRecordedMs = -Infinity;
  private lastBoundaryMs = -Infinity;

  /**
   * `maxSamples` bounds memory whatever the input rate: at 60k conditions/s a 10 s window would
   * otherwise hold 600k bodies. Past it the oldest samples leave the window early.
   */
  constructor(private readonly windowMs: number, private readonly recordIntervalMs: number, private readonly maxSamples = 20_000) {}

  /**
   * Takes a conditions sample; says whether to record it and at which priority: critical inside an
   * open boundary window, otherwise bulk at most once per record interval, otherwise not at all.
   */
  offer(sample: WindowSample, mayThin = true): 'critical' | 'bulk' | 'skip' {
    this.samples.push(sample);
    this.trim(sample.atMs);
    let decision: 'critical' | 'bulk' | 'skip' = 'skip';
    if (sample.atMs <= this.criticalUntilMs) decision = 'critical';
    else if (!mayThin || sample.atMs - this.lastRecordedMs >= this.recordIntervalMs) decision = 'bulk';
    if (decision !== 'skip') {
      this.lastRecordedMs = sample.atMs;
      sample.seq = 0; // being recorded: its seq arrives with recorded()
      // The caller appends the body it holds; the window keeps only time and seq from here on.
      sample.body = undefined;
      sample.timeUnixNs = 0n;
      sample.monoNs = 0n;
    }
    return decision;
  }

  /**
   * Notes the seq a sample was recorded as (after its append resolved). True when a boundary passed
   * while it was being written and it lies in that boundary's window: the caller promotes it too.
   */
  recorded(sample: WindowSample, seq: number): boolean {
    sample.seq = seq;
    return sample.atMs <= this.lastBoundaryMs && sample.atMs >= this.lastBoundaryMs - this.windowMs;
  }

  /** A handover or no-go at `atMs`: opens the window after it and returns what to do with the one before. */
  boundary(atMs: number): BoundaryPlan {
    this.trim(atMs);
    this.lastBoundaryMs = atMs;
    this.criticalUntilMs = Math.max(this.criticalUntilMs, atMs + this.windowMs);
    const toAppend: UnrecordedSample[] = [];
    let first = Infinity;
    let last = -Infinity;
    for (let i = this.head; i < this.samples.length; i++) {
      const s = this.samples[i];
      if (s.atMs > atMs) continue;
      if (s.seq === undefined) {
        toAppend.push(s as UnrecordedSample); // never recorded, so it kept its body
        s.seq = -1; // claimed: appended by the caller, never twice
      } else if (s.seq > 0) {
        first = Math.min(first, s.seq);
        last = Math.max(last, s.seq);
      }
    }
    return { toAppend, toPromote: first <= last ? { firstSeq: first, lastSeq: last } : undefined };
  }

  get size(): number {
    return this.samples.length - this.head;
  }

  private trim(nowMs: number): void {
    const cutoff = nowMs - this.windowMs;
    let head = Math.max(this.head, this.samples.length - this.maxSamples);
    while (head < this.samples.length && this.samples[head].atMs < cutoff) head++;
    this.head = head;
    // Copy the survivors only once the dead part is large: amortised O(1) per sample.
    if (head > 1024 && head * 2 > this.samples.length) {
      this.samples = this.samples.slice(head);
      this.head = 0;
    }
  }
}
