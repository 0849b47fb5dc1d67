// The analyst: follows each device's committed chain from its cursor, off the ingest and ack path, and commits
// each batch's aggregates with the moved cursor in one transaction, so a crash never counts a record twice.
import { loadOddFile, type Taxonomy } from '../../config/odd-config.js';
import { decodeSegment } from '../../proto/index.js';
import type { Logger } from '../observability.js';
import type { AnalystCursor, AnalyticsStore, HubStore } from '../store/index.js';
import { AnalystFold, DEFAULT_EXPOSURE_CAP_MS, emptyCursor } from './analyst-fold.js';

export interface AnalystOptions {
  store: HubStore;
  /** Default: config/odd/default.yaml. Aggregates and cursors are kept per taxonomy fingerprint. */
  taxonomy?: Taxonomy;
  exposureCapMs?: number;
  /** Records per transaction, about (a batch ends at a segment's end). */
  batchRecords?: number;
  /** Looks for work this often even when nothing pokes it. */
  intervalMs?: number;
  /** After a pass that caught up, waits this long before the next (pokes meanwhile gather into one batch). */
  settleMs?: number;
  log?: Logger;
  /** Called after each pass with the seqs committed but not analysed yet, over every device. */
  onLag?(lag: number): void;
}

export interface PassResult {
  records: number;
  lag: number;
  /** Some device has more to analyse now. */
  more: boolean;
  /** Devices whose batch failed (rolled back; retried on the next pass), with the error. */
  failed: { deviceId: string; message: string }[];
}

const SEGMENTS_PER_READ = 64;

export class Analyst {
  readonly taxonomy: Taxonomy;
  private readonly analytics: AnalyticsStore;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wanted = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** The last failure logged per device: a batch that keeps failing is logged once, not every pass. */
  private readonly logged = new Map<string, string>();
  lag = 0;

  constructor(private readonly o: AnalystOptions) {
    this.taxonomy = o.taxonomy ?? loadOddFile();
    this.analytics = o.store.analytics();
  }

  start(): void {
    this.timer = setInterval(() => this.poke(), this.o.intervalMs ?? 1000);
    this.timer.unref();
    this.poke();
  }

  /** Asks for a pass soon (after the current one): the hub calls it after each commit. Never waits. */
  poke(): void {
    if (this.stopped) return;
    this.wanted = true;
    this.running ??= this.loop().finally(() => { this.running = undefined; });
  }

  /** Stops after the batch in progress, which commits or rolls back whole. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (this.wanted && !this.stopped) {
      this.wanted = false;
      let more = false;
      try {
        more = (await this.pass()).more;
      } catch (err) {
        this.o.log?.warn({ err: (err as Error).message }, 'analyst pass failed; retrying on the next');
        return;
      }
      if (more) {
        this.wanted = true;
        // let ingest's transactions in between batches
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        // caught up: let commits gather for a moment, so each pass is one larger batch, not one per commit
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, this.o.settleMs ?? 100).unref();
        });
        this.wake = undefined;
      }
    }
  }

  /** Analyses until every device's cursor reaches its contiguous seq; returns the records analysed. Throws if a device fails. */
  async catchUp(): Promise<number> {
    let records = 0;
    for (;;) {
      const r = await this.pass();
      records += r.records;
      if (r.failed.length) throw new Error(`analysis failed for ${r.failed.map((f) => `device ${f.deviceId}: ${f.message}`).join('; ')}`);
      if (!r.more) return records;
    }
  }

  /** Deletes this taxonomy's aggregates and cursors and rebuilds them from the raw segments. */
  async reindex(): Promise<number> {
    await this.analytics.reset(this.taxonomy.fingerprint);
    return this.catchUp();
  }

  /** One batch per device with work: read, fold, commit aggregates and cursor together. */
  async pass(): Promise<PassResult> {
    const fp = this.taxonomy.fingerprint;
    const cursors = new Map((await this.analytics.cursors(fp)).map((c) => [c.deviceId, c]));
    let records = 0;
    let lag = 0;
    let more = false;
    const failed: PassResult['failed'] = [];
    for (const state of await this.o.store.deviceStates()) {
      if (this.stopped) break;
      const cursor = cursors.get(state.deviceId);
      const through = state.contiguousSeq;
      if ((cursor?.seq ?? 0) >= through) continue;
      let applied: boolean;
      let fold: AnalystFold;
      try {
        fold = await this.foldBatch(cursor ?? emptyCursor(state.deviceId), through);
        applied = await this.analytics.apply(fp, cursor ? cursor.seq : null, fold.cursor, fold.batch());
      } catch (err) {
        // one device's failure (a store error, a record that will not decode) holds back that device only
        failed.push({ deviceId: state.deviceId, message: (err as Error).message });
        lag += through - (cursor?.seq ?? 0);
        continue;
      }
      if (!applied) {
        this.o.log?.warn({ deviceId: state.deviceId }, 'analyst: another analyst moved this cursor; batch dropped, re-read next pass');
        more = true;
        continue;
      }
      records += fold.records;
      lag += through - fold.cursor.seq;
      if (fold.cursor.seq < through) more = true;
    }
    this.lag = lag;
    this.o.onLag?.(lag);
    for (const f of failed) {
      if (this.logged.get(f.deviceId) !== f.message) this.o.log?.error({ deviceId: f.deviceId, err: f.message }, 'analyst: batch failed and rolled back; retried on every pass');
      this.logged.set(f.deviceId, f.message);
    }
    return { records, lag, more, failed };
  }

  private async foldBatch(start: AnalystCursor, through: number): Promise<AnalystFold> {
    const fold = new AnalystFold(this.taxonomy, start, this.o.exposureCapMs ?? DEFAULT_EXPOSURE_CAP_MS);
    fold.throughSeq = through;
    const limit = this.o.batchRecords ?? 4096;
    for (;;) {
      const segments = await this.analytics.segmentsBetween(start.deviceId, fold.cursor.seq, through, SEGMENTS_PER_READ);
      for (const s of segments) {
        for (const r of decodeSegment(s.raw).records) fold.add(r);
        if (fold.records >= limit) return fold;
      }
      if (segments.length < SEGMENTS_PER_READ) break;
    }
    // what is left up to the contiguous seq is a Gap's range no segment holds
    fold.skipTo(through);
    return fold;
  }
}
