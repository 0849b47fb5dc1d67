// Boundary windows: the last K seconds of conditions kept in memory, so that when a handover or a
// no-go happens, the window before it and the K seconds after it are recorded as critical. Pure.
import type { Body } from '../../proto/index.js';

export interface WindowSample {
  body: Body;
  atMs: number;
  timeUnixNs: bigint;
  monoNs: bigint;
  /** Set by offer() when the sample is to be recorded: where recorded() notes its seq. */
  slot?: number;
}

export interface BoundaryPlan {
  /** Samples from the window not yet recorded: append them now, as critical. */
  toAppend: WindowSample[];
  /** Seqs already recorded inside the window: raise their segments to critical. */
  toPromote?: { firstSeq: number; lastSeq: number };
}

// A slot's seq: NaN while unrecorded (the sample is held), 0 while being recorded, -1 once claimed.
const UNRECORDED = NaN;
const RECORDING = 0;
const CLAIMED = -1;

/**
 * A ring of the last samples: times and seqs in typed arrays, and a reference only to the samples
 * nobody recorded (the thinned ones, whose bodies a boundary still needs). At capture rates every
 * sample is recorded, so the window holds no objects at all: nothing for the old generation to churn.
 */
export class BoundaryWindow {
  private readonly capacity: number;
  private readonly times: Float64Array;
  private readonly seqs: Float64Array;
  private readonly held: (WindowSample | undefined)[];
  /** Absolute index of the oldest sample in the window, and of the next one to arrive. */
  private first = 0;
  private next = 0;
  private criticalUntilMs = -Infinity;
  private lastRecordedMs = -Infinity;
  private lastBoundaryMs = -Infinity;

  /**
   * `maxSamples` bounds memory whatever the input rate: at 60k conditions/s a 10 s window would
   * otherwise hold 600k samples. Past it the oldest samples leave the window early.
   */
  constructor(private readonly windowMs: number, private readonly recordIntervalMs: number, maxSamples = 20_000) {
    this.capacity = Math.max(1, maxSamples);
    this.times = new Float64Array(this.capacity);
    this.seqs = new Float64Array(this.capacity);
    this.held = new Array<WindowSample | undefined>(this.capacity).fill(undefined);
  }

  /**
   * Takes a conditions sample; says whether to record it and at which priority: critical inside an
   * open boundary window, otherwise bulk at most once per record interval, otherwise not at all.
   */
  offer(sample: WindowSample, mayThin = true): 'critical' | 'bulk' | 'skip' {
    this.trim(sample.atMs);
    if (this.next - this.first === this.capacity) this.dropOldest();
    const index = this.next++;
    const slot = index % this.capacity;
    this.times[slot] = sample.atMs;
    let decision: 'critical' | 'bulk' | 'skip' = 'skip';
    if (sample.atMs <= this.criticalUntilMs) decision = 'critical';
    else if (!mayThin || sample.atMs - this.lastRecordedMs >= this.recordIntervalMs) decision = 'bulk';
    if (decision === 'skip') {
      this.seqs[slot] = UNRECORDED;
      this.held[slot] = sample;
    } else {
      // The caller appends the body it holds; the window keeps only the time and, soon, the seq.
      this.lastRecordedMs = sample.atMs;
      this.seqs[slot] = RECORDING;
      this.held[slot] = undefined;
      sample.slot = index;
    }
    return decision;
  }

  /**
   * Notes the seq a sample was recorded as (after its append resolved), by the slot offer() gave it.
   * True when a boundary passed while it was being written and it lies in that boundary's window: the
   * caller promotes it too. Takes numbers, not the sample, so the caller need not keep the body alive.
   */
  recorded(slot: number | undefined, atMs: number, seq: number): boolean {
    if (slot !== undefined && slot >= this.first) this.seqs[slot % this.capacity] = seq;
    return atMs <= this.lastBoundaryMs && atMs >= this.lastBoundaryMs - this.windowMs;
  }

  /** A handover or no-go at `atMs`: opens the window after it and returns what to do with the one before. */
  boundary(atMs: number): BoundaryPlan {
    this.trim(atMs);
    this.lastBoundaryMs = atMs;
    this.criticalUntilMs = Math.max(this.criticalUntilMs, atMs + this.windowMs);
    const toAppend: WindowSample[] = [];
    let first = Infinity;
    let last = -Infinity;
    for (let i = this.first; i < this.next; i++) {
      const slot = i % this.capacity;
      if (this.times[slot] > atMs) continue;
      const seq = this.seqs[slot];
      const sample = this.held[slot];
      if (Number.isNaN(seq) && sample) {
        toAppend.push(sample);
        this.seqs[slot] = CLAIMED; // appended by the caller, never twice
        this.held[slot] = undefined;
      } else if (seq > 0) {
        first = Math.min(first, seq);
        last = Math.max(last, seq);
      }
    }
    return { toAppend, toPromote: first <= last ? { firstSeq: first, lastSeq: last } : undefined };
  }

  get size(): number {
    return this.next - this.first;
  }

  private trim(nowMs: number): void {
    const cutoff = nowMs - this.windowMs;
    while (this.first < this.next && this.times[this.first % this.capacity] < cutoff) this.dropOldest();
  }

  private dropOldest(): void {
    this.held[this.first % this.capacity] = undefined;
    this.first++;
  }
}
