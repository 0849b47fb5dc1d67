// The analyst's fold: a device's records in seq order, from its cursor, to additive per-hour, per-cell deltas
// and the next cursor. Exposure runs to the next Conditions record, capped, cut at Boot, Gap, Fork and holes. Pure.
import { UNKNOWN_LEVEL, type Taxonomy } from '../../config/odd-config.js';
import { decodeEnvelope, schema, toBigInt, type U64 } from '../../proto/index.js';
import type { AnalystBatch, AnalystCursor, CellAggregateRow, DecisionRow, HandoverRow, HistogramBinRow, RunRow } from '../store/analytics-store.js';
import { cellKey, classifier } from './classify.js';
import { addToCell, emptyCoverage, sourceOf, type CellStats, type CoverageAggregate, type Source } from './coverage.js';
import { emptyHistograms, histogramObserver, type HistogramSet } from './histogram.js';
import { plannedCellKey } from './matrix.js';
import { decisionModel, modelOf, PerformanceDeltas } from './performance-deltas.js';

export const HOUR_MS = 3_600_000;
/** A sample's exposure is the time to the next Conditions record of its device, at most this. */
export const DEFAULT_EXPOSURE_CAP_MS = 5_000;

export function emptyCursor(deviceId: string): AnalystCursor {
  return { deviceId, seq: 0, source: 'unspecified', cell: null, pending: null, model: '' };
}

export function bucketOf(timeMs: number): number {
  return Math.floor(timeMs / HOUR_MS) * HOUR_MS;
}

/** Folds records into per-hour coverage aggregates; one per device and batch. */
export class AnalystFold {
  readonly cursor: AnalystCursor;
  /** Hour bucket -> that hour's coverage deltas. */
  private readonly hours = new Map<number, CoverageAggregate>();
  /** "hour|source" -> that hour's histograms of the source's samples. */
  private readonly histograms = new Map<string, HistogramSet>();
  private readonly observe;
  private readonly classify;
  private readonly unknownCell: string;
  records = 0;
  readonly handovers: HandoverRow[] = [];
  readonly decisions: DecisionRow[] = [];
  private readonly performance: PerformanceDeltas;
  /** The provenance of the batch's latest Boot. */
  private run: RunRow | null = null;
  /** Records above this seq are left for a later batch (not yet contiguous). */
  throughSeq = Number.POSITIVE_INFINITY;

  constructor(private readonly taxonomy: Taxonomy, start: AnalystCursor, private readonly capMs = DEFAULT_EXPOSURE_CAP_MS) {
    this.cursor = structuredClone(start);
    this.classify = classifier(taxonomy);
    this.observe = histogramObserver(taxonomy);
    this.unknownCell = cellKey(taxonomy.dimensions.map(() => UNKNOWN_LEVEL));
    this.performance = new PerformanceDeltas(start.deviceId);
  }

  /** One encoded record; records at or below the cursor (a resent overlap) are skipped. */
  add(bytes: Uint8Array): void {
    const env = decodeEnvelope(bytes);
    const c = this.cursor;
    if (env.seq <= c.seq || env.seq > this.throughSeq) return;
    const timeMs = Number(env.timeUnixNs / 1_000_000n);
    if (env.seq !== c.seq + 1) this.hole();
    const body = env.body ?? new Uint8Array(0);
    switch (env.kind) {
      case 'conditions': {
        this.cut(timeMs);
        const conditions = schema.Conditions.decode(body);
        const levels = this.classify(conditions);
        const key = `${bucketOf(timeMs)}|${c.source}`;
        let set = this.histograms.get(key);
        if (!set) this.histograms.set(key, (set = emptyHistograms(this.taxonomy)));
        this.observe(set, conditions);
        this.add1(timeMs, levels.join('/'), c.source, { samples: 1 });
        this.performance.sample(bucketOf(timeMs), levels.join('/'), c.source, c.model, conditions.perceptionConfidence);
        c.cell = cellKey(levels);
        c.pending = { cell: c.cell, source: c.source, timeMs };
        break;
      }
      case 'boot': {
        this.cut(timeMs);
        const boot = schema.Boot.decode(body);
        const p = boot.provenance;
        c.source = sourceOf(p?.source);
        c.model = modelOf(boot.models);
        c.cell = null;
        const planned = { ...p?.plannedLevels };
        this.run = {
          deviceId: c.deviceId, bootSeq: env.seq, bootMs: timeMs, matrixId: p?.matrixId ?? '', rowId: p?.rowId ?? '', scenario: p?.scenario ?? '',
          missionId: p?.missionId ?? '', source: c.source, plannedLevels: planned, plannedCell: plannedCellKey(this.taxonomy, planned),
        };
        break;
      }
      case 'gap':
      case 'fork':
        this.cut(timeMs);
        c.cell = null;
        break;
      case 'decision': {
        const d = schema.Decision.decode(body);
        const verdict = d.verdict;
        this.decisions.push({
          deviceId: c.deviceId, seq: env.seq, timeMs, verdict: nameOf(schema.Decision.Verdict, verdict),
          criteria: JSON.stringify(d.criteria.map((x) => ({
            name: x.name, value: x.value ?? null, comparator: nameOf(schema.Criterion.Comparator, x.comparator), threshold: x.threshold, pass: x.pass, unit: x.unit,
          }))),
          criteriaVersion: d.criteriaVersion, criteriaHash: Buffer.from(d.criteriaHash).toString('hex'), modelId: d.modelId, modelVersion: d.modelVersion,
          confidence: d.confidence ?? null, trigger: nameOf(schema.Decision.Trigger, d.trigger), reason: d.reason, cell: c.cell, source: c.source,
        });
        if (verdict === schema.Decision.Verdict.GO) this.add1(timeMs, c.cell ?? this.unknownCell, c.source, { go: 1 });
        else if (verdict === schema.Decision.Verdict.NO_GO) this.add1(timeMs, c.cell ?? this.unknownCell, c.source, { no_go: 1 });
        if (verdict === schema.Decision.Verdict.GO || verdict === schema.Decision.Verdict.NO_GO) {
          const model = decisionModel(d.modelId, d.modelVersion, c.model);
          this.performance.decision(bucketOf(timeMs), c.cell ?? this.unknownCell, c.source, model, verdict === schema.Decision.Verdict.NO_GO);
        }
        break;
      }
      case 'handover': {
        const h = schema.Handover.decode(body);
        const H = schema.Handover;
        this.handovers.push({
          deviceId: c.deviceId, seq: env.seq, timeMs, handoverId: h.handoverId, phase: nameOf(H.Phase, h.phase), fromMode: h.fromMode, toMode: h.toMode,
          fromAuthority: nameOf(H.Authority, h.fromAuthority), toAuthority: nameOf(H.Authority, h.toAuthority), initiator: nameOf(H.Initiator, h.initiator),
          reason: h.reason, requestedMs: msOrNull(h.requestedUnixNs), acceptedMs: msOrNull(h.acceptedUnixNs),
          decisionSeq: Number(toBigInt(h.decisionSeq)) || null, cell: c.cell, source: c.source,
        });
        // one handover is several records (requested, then accepted, rejected or timed out): count the transfers
        if (h.phase === H.Phase.ACCEPTED) this.add1(timeMs, c.cell ?? this.unknownCell, c.source, { handovers: 1 });
        break;
      }
      default:
        break;
    }
    c.seq = env.seq;
    this.records++;
  }

  /**
   * Moves the cursor over seqs no stored segment holds (a Gap's range at the end of what is stored), as a
   * record after them would: the result is the same whether they are passed now or when that record comes.
   */
  skipTo(seq: number): void {
    if (seq <= this.cursor.seq) return;
    this.hole();
    this.cursor.seq = seq;
  }

  /** A hole (evicted, abandoned or not yet stored) cuts with no exposure: when the next sample came is unknown. */
  private hole(): void {
    this.cut(null);
    this.cursor.cell = null;
  }

  /** Closes the pending sample's exposure at `atMs` (capped), or with none when the time is unknown. */
  private cut(atMs: number | null): void {
    const p = this.cursor.pending;
    if (!p) return;
    this.cursor.pending = null;
    const exposure = atMs === null ? 0 : Math.min(this.capMs, Math.max(0, atMs - p.timeMs));
    if (exposure > 0) this.add1(p.timeMs, p.cell, p.source, { exposure_ms: exposure });
  }

  private add1(timeMs: number, cell: string, source: string, delta: Partial<CellStats>): void {
    const bucket = bucketOf(timeMs);
    let agg = this.hours.get(bucket);
    if (!agg) this.hours.set(bucket, (agg = emptyCoverage(this.taxonomy)));
    addToCell(agg, cell.split('/'), source as Source, delta);
  }

  /** The histogram deltas as store rows (non-zero bins only; bin -1: missing). */
  bins(): HistogramBinRow[] {
    const out: HistogramBinRow[] = [];
    for (const [key, set] of this.histograms) {
      const [bucket, source] = key.split('|');
      for (const h of Object.values(set)) {
        const base = { deviceId: this.cursor.deviceId, bucketMs: Number(bucket), source, feature: h.feature, edges: JSON.stringify(h.edges) };
        if (h.missing > 0) out.push({ ...base, bin: -1, count: h.missing });
        h.counts.forEach((count, bin) => count > 0 && out.push({ ...base, bin, count }));
      }
    }
    return out;
  }

  /** Everything the batch adds, for AnalyticsStore.apply. */
  batch(): AnalystBatch {
    return {
      cells: this.rows(), bins: this.bins(), handovers: this.handovers, decisions: this.decisions,
      performance: this.performance.rows(), runs: this.run ? [this.run] : [],
    };
  }

  /** The deltas as store rows, in key order. */
  rows(): CellAggregateRow[] {
    const out: CellAggregateRow[] = [];
    for (const bucket of [...this.hours.keys()].sort((a, b) => a - b)) {
      const agg = this.hours.get(bucket)!;
      for (const cell of Object.keys(agg.cells).sort()) {
        for (const [source, s] of Object.entries(agg.cells[cell])) out.push({ deviceId: this.cursor.deviceId, bucketMs: bucket, cell, source, ...s! });
      }
    }
    return out;
  }
}


/** An enum value's name as in the .proto (protobufjs's static enums map names to numbers only). */
function nameOf(e: object, v: number | null | undefined): string {
  return Object.entries(e).find(([, x]) => x === (v ?? 0))?.[0] ?? String(v);
}

/** Unix ns as ms; 0 (not set) as null. */
function msOrNull(ns: U64 | null | undefined): number | null {
  const ms = Number(toBigInt(ns) / 1_000_000n);
  return ms > 0 ? ms : null;
}
