// The analyst's side of the hub store: cursors and additive per-cell aggregates, over the same Kysely instance.
// An analysed batch commits its aggregates and its cursor in one transaction, so nothing is counted twice.
import { type Kysely } from 'kysely';
import { decisionRows, deleteLogRows, handoverRows, insertLogRows, type DecisionRow, type HandoverRow } from './analytics-log-rows.js';
import { deletePerformanceRows, insertPerformanceRows, performanceRows, performanceTotals, type PerformanceRow, type PerformanceTotal } from './analytics-performance-rows.js';
import { deleteRunRows, runRows, upsertRunRows, type RunFilter, type RunRow } from './analytics-run-rows.js';
import { lastDriftBands, listDriftEvents, recordDriftEvents, type DriftEventFilter, type DriftEventRow, type NewDriftEvent } from './drift-events.js';
import type { HubTables } from './tables.js';

export type { DecisionRow, HandoverRow } from './analytics-log-rows.js';
export type { DriftEventFilter, DriftEventRow, NewDriftEvent } from './drift-events.js';
export type { PerformanceRow, PerformanceTotal } from './analytics-performance-rows.js';
export type { RunFilter, RunRow } from './analytics-run-rows.js';

/** What the analyst carries from one record to the next of a device, stored with its cursor. */
export interface AnalystCursor {
  deviceId: string;
  /** The last seq analysed (0: none yet). */
  seq: number;
  /** The source the device's latest Boot named. */
  source: string;
  /** The cell of the latest Conditions sample since the last cut, which decisions and handovers are filed under. */
  cell: string | null;
  /** The latest Conditions sample, whose exposure ends at the next record that closes it. */
  pending: { cell: string; source: string; timeMs: number } | null;
  /** "id@version" of the first model the device's latest Boot named ('' when none). */
  model: string;
}

/** One row of additive figures; applied as a delta, summed on conflict. */
export interface CellAggregateRow {
  deviceId: string;
  bucketMs: number;
  cell: string;
  source: string;
  samples: number;
  exposure_ms: number;
  go: number;
  no_go: number;
  handovers: number;
}

/** One bin's count of one feature, applied as a delta; bin -1 counts the samples that did not measure the field. */
export interface HistogramBinRow {
  deviceId: string;
  bucketMs: number;
  source: string;
  feature: string;
  /** The feature's edges as JSON. */
  edges: string;
  bin: number;
  count: number;
}

/** What one analysed batch of a device adds. */
export interface AnalystBatch {
  cells: CellAggregateRow[];
  bins?: HistogramBinRow[];
  handovers?: HandoverRow[];
  decisions?: DecisionRow[];
  performance?: PerformanceRow[];
  /** Upserted: the device's latest Boot in the batch. */
  runs?: RunRow[];
}

export interface AggregateFilter {
  deviceId?: string;
  /** Only these devices (a matrix run's, say); applies to cells, histograms and performance. */
  deviceIds?: readonly string[];
  /** Hour buckets starting at or after this. */
  sinceMs?: number;
  /** Hour buckets starting before this. */
  untilMs?: number;
}

export interface AnalyticsStore {
  cursors(taxonomy: string): Promise<AnalystCursor[]>;
  /** Stored segments of a device holding seqs in (afterSeq, throughSeq], in seq order, at most `limit`. */
  segmentsBetween(deviceId: string, afterSeq: number, throughSeq: number, limit: number): Promise<{ firstSeq: number; lastSeq: number; raw: Uint8Array }[]>;
  /**
   * Adds a batch's rows and moves the device's cursor from `expectedSeq` (null: no cursor yet) to `next`, in one
   * transaction. Returns false and changes nothing when the cursor is no longer at `expectedSeq` (another analyst won).
   */
  apply(taxonomy: string, expectedSeq: number | null, next: AnalystCursor, batch: AnalystBatch): Promise<boolean>;
  /** The handover log, in device and seq order; the time filter applies to the record's time. */
  handovers(taxonomy: string, filter?: AggregateFilter): Promise<HandoverRow[]>;
  /** The decision log, likewise. */
  decisions(taxonomy: string, filter?: AggregateFilter): Promise<DecisionRow[]>;
  /** Every histogram bin row of a taxonomy, in key order. */
  histogramRows(taxonomy: string, filter?: AggregateFilter): Promise<HistogramBinRow[]>;
  /** Every row of a taxonomy, in key order (for tests and exports). */
  aggregateRows(taxonomy: string, filter?: AggregateFilter): Promise<CellAggregateRow[]>;
  /** Rows summed over devices and hours, per cell and source. */
  cellTotals(taxonomy: string, filter?: AggregateFilter): Promise<Omit<CellAggregateRow, 'deviceId' | 'bucketMs'>[]>;
  /** Every performance row of a taxonomy, in key order. */
  performanceRows(taxonomy: string, filter?: AggregateFilter): Promise<PerformanceRow[]>;
  /** Performance rows summed over devices and hours, per cell, source and model. */
  performanceTotals(taxonomy: string, filter?: AggregateFilter): Promise<PerformanceTotal[]>;
  /** Per device, its latest Boot's provenance and planned cell, in matrix, row and device order. */
  runs(taxonomy: string, filter?: RunFilter): Promise<RunRow[]>;
  /** Deletes a taxonomy's aggregates and cursors (every taxonomy's when none is named), for a rebuild. */
  reset(taxonomy?: string): Promise<void>;
  /**
   * Records drift band changes in one transaction, each only if its (scope, feature)'s last event ended in its
   * fromBand (`noEventBand` when there is none), so a change two watchers saw is recorded once. Returns those recorded.
   * Drift events are a log of what the hub saw: reset() keeps them.
   */
  recordDriftEvents(taxonomy: string, events: NewDriftEvent[], noEventBand: string): Promise<NewDriftEvent[]>;
  /** The band each (scope, feature) was last moved to. */
  lastDriftBands(taxonomy: string): Promise<{ scope: string; feature: string; band: string }[]>;
  /** Drift events, newest first (default at most 1000). */
  driftEvents(taxonomy: string, filter?: DriftEventFilter): Promise<DriftEventRow[]>;
}

const STATS = ['samples', 'exposure_ms', 'go', 'no_go', 'handovers'] as const;
/** Rows per INSERT: 10 parameters each, well under SQLite's and PostgreSQL's limits. */
const CHUNK = 500;

export class KyselyAnalyticsStore implements AnalyticsStore {
  constructor(private readonly db: Kysely<HubTables>) {}

  async cursors(taxonomy: string): Promise<AnalystCursor[]> {
    const rows = await this.db.selectFrom('analytics_cursor').selectAll().where('taxonomy', '=', taxonomy).orderBy('device_id').execute();
    return rows.map((r) => ({
      deviceId: r.device_id, seq: Number(r.seq), source: r.source, cell: r.cell,
      pending: r.pending_cell === null || r.pending_time_ms === null ? null : { cell: r.pending_cell, source: r.pending_source ?? r.source, timeMs: Number(r.pending_time_ms) },
      model: r.model,
    }));
  }

  async segmentsBetween(deviceId: string, afterSeq: number, throughSeq: number, limit: number): Promise<{ firstSeq: number; lastSeq: number; raw: Uint8Array }[]> {
    const rows = await this.db.selectFrom('segments').select(['first_seq', 'last_seq', 'raw'])
      .where('device_id', '=', deviceId).where('last_seq', '>', afterSeq).where('first_seq', '<=', throughSeq)
      .orderBy('first_seq').limit(limit).execute();
    return rows.map((r) => ({ firstSeq: Number(r.first_seq), lastSeq: Number(r.last_seq), raw: r.raw }));
  }

  async apply(taxonomy: string, expectedSeq: number | null, next: AnalystCursor, batch: AnalystBatch): Promise<boolean> {
    const { cells: rows, bins = [] } = batch;
    const cursor = {
      seq: next.seq, source: next.source, cell: next.cell,
      pending_cell: next.pending?.cell ?? null, pending_source: next.pending?.source ?? null, pending_time_ms: next.pending?.timeMs ?? null,
      model: next.model,
    };
    try {
      await this.db.transaction().execute(async (trx) => {
        if (expectedSeq === null) {
          // a concurrent analyst inserting first makes this fail on the primary key, and the whole batch roll back
          await trx.insertInto('analytics_cursor').values({ taxonomy, device_id: next.deviceId, ...cursor }).execute();
        } else {
          const r = await trx.updateTable('analytics_cursor').set(cursor)
            .where('taxonomy', '=', taxonomy).where('device_id', '=', next.deviceId).where('seq', '=', expectedSeq).executeTakeFirst();
          if (Number(r.numUpdatedRows) !== 1) throw new CursorMoved();
        }
        for (let i = 0; i < rows.length; i += CHUNK) {
          await trx.insertInto('analytics_cells').values(rows.slice(i, i + CHUNK).map((r) => ({
            taxonomy, device_id: r.deviceId, bucket_ms: r.bucketMs, cell: r.cell, source: r.source,
            samples: r.samples, exposure_ms: r.exposure_ms, go: r.go, no_go: r.no_go, handovers: r.handovers,
          }))).onConflict((oc) => oc.columns(['taxonomy', 'device_id', 'bucket_ms', 'cell', 'source']).doUpdateSet((eb) => ({
            samples: eb('analytics_cells.samples', '+', eb.ref('excluded.samples')),
            exposure_ms: eb('analytics_cells.exposure_ms', '+', eb.ref('excluded.exposure_ms')),
            go: eb('analytics_cells.go', '+', eb.ref('excluded.go')),
            no_go: eb('analytics_cells.no_go', '+', eb.ref('excluded.no_go')),
            handovers: eb('analytics_cells.handovers', '+', eb.ref('excluded.handovers')),
          }))).execute();
        }
        for (let i = 0; i < bins.length; i += CHUNK) {
          await trx.insertInto('analytics_histograms').values(bins.slice(i, i + CHUNK).map((b) => ({
            taxonomy, device_id: b.deviceId, bucket_ms: b.bucketMs, source: b.source, feature: b.feature, edges: b.edges, bin: b.bin, count: b.count,
          }))).onConflict((oc) => oc.columns(['taxonomy', 'device_id', 'bucket_ms', 'source', 'feature', 'edges', 'bin'])
            .doUpdateSet((eb) => ({ count: eb('analytics_histograms.count', '+', eb.ref('excluded.count')) }))).execute();
        }
        await insertLogRows(trx, taxonomy, batch.handovers ?? [], batch.decisions ?? []);
        await insertPerformanceRows(trx, taxonomy, batch.performance ?? []);
        await upsertRunRows(trx, taxonomy, batch.runs ?? []);
      });
      return true;
    } catch (err) {
      if (err instanceof CursorMoved || (expectedSeq === null && isUniqueViolation(err))) return false;
      throw err;
    }
  }

  async aggregateRows(taxonomy: string, filter: AggregateFilter = {}): Promise<CellAggregateRow[]> {
    if (filter.deviceIds?.length === 0) return [];
    let q = this.db.selectFrom('analytics_cells').selectAll().where('taxonomy', '=', taxonomy);
    if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId);
    if (filter.deviceIds !== undefined) q = q.where('device_id', 'in', filter.deviceIds);
    if (filter.sinceMs !== undefined) q = q.where('bucket_ms', '>=', filter.sinceMs);
    if (filter.untilMs !== undefined) q = q.where('bucket_ms', '<', filter.untilMs);
    const rows = await q.orderBy('device_id').orderBy('bucket_ms').orderBy('cell').orderBy('source').execute();
    return rows.map((r) => ({
      deviceId: r.device_id, bucketMs: Number(r.bucket_ms), cell: r.cell, source: r.source,
      samples: Number(r.samples), exposure_ms: Number(r.exposure_ms), go: Number(r.go), no_go: Number(r.no_go), handovers: Number(r.handovers),
    }));
  }

  performanceRows(taxonomy: string, filter?: AggregateFilter): Promise<PerformanceRow[]> {
    return performanceRows(this.db, taxonomy, filter);
  }

  performanceTotals(taxonomy: string, filter?: AggregateFilter): Promise<PerformanceTotal[]> {
    return performanceTotals(this.db, taxonomy, filter);
  }

  runs(taxonomy: string, filter?: RunFilter): Promise<RunRow[]> {
    return runRows(this.db, taxonomy, filter);
  }

  handovers(taxonomy: string, filter?: AggregateFilter): Promise<HandoverRow[]> {
    return handoverRows(this.db, taxonomy, filter);
  }

  decisions(taxonomy: string, filter?: AggregateFilter): Promise<DecisionRow[]> {
    return decisionRows(this.db, taxonomy, filter);
  }

  async histogramRows(taxonomy: string, filter: AggregateFilter = {}): Promise<HistogramBinRow[]> {
    if (filter.deviceIds?.length === 0) return [];
    let q = this.db.selectFrom('analytics_histograms').selectAll().where('taxonomy', '=', taxonomy);
    if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId);
    if (filter.deviceIds !== undefined) q = q.where('device_id', 'in', filter.deviceIds);
    if (filter.sinceMs !== undefined) q = q.where('bucket_ms', '>=', filter.sinceMs);
    if (filter.untilMs !== undefined) q = q.where('bucket_ms', '<', filter.untilMs);
    const rows = await q.orderBy('device_id').orderBy('bucket_ms').orderBy('source').orderBy('feature').orderBy('edges').orderBy('bin').execute();
    return rows.map((r) => ({
      deviceId: r.device_id, bucketMs: Number(r.bucket_ms), source: r.source, feature: r.feature, edges: r.edges, bin: Number(r.bin), count: Number(r.count),
    }));
  }

  async cellTotals(taxonomy: string, filter: AggregateFilter = {}): Promise<Omit<CellAggregateRow, 'deviceId' | 'bucketMs'>[]> {
    let q = this.db.selectFrom('analytics_cells')
      .select((eb) => ['cell', 'source', ...STATS.map((k) => eb.fn.sum<number>(k).as(k))])
      .where('taxonomy', '=', taxonomy);
    if (filter.deviceIds?.length === 0) return [];
    if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId);
    if (filter.deviceIds !== undefined) q = q.where('device_id', 'in', filter.deviceIds);
    if (filter.sinceMs !== undefined) q = q.where('bucket_ms', '>=', filter.sinceMs);
    if (filter.untilMs !== undefined) q = q.where('bucket_ms', '<', filter.untilMs);
    const rows = await q.groupBy(['cell', 'source']).orderBy('cell').orderBy('source').execute();
    return rows.map((r) => ({
      cell: r.cell, source: r.source,
      samples: Number(r.samples), exposure_ms: Number(r.exposure_ms), go: Number(r.go), no_go: Number(r.no_go), handovers: Number(r.handovers),
    }));
  }

  recordDriftEvents(taxonomy: string, events: NewDriftEvent[], noEventBand: string): Promise<NewDriftEvent[]> {
    return recordDriftEvents(this.db, taxonomy, events, noEventBand);
  }

  lastDriftBands(taxonomy: string): Promise<{ scope: string; feature: string; band: string }[]> {
    return lastDriftBands(this.db, taxonomy);
  }

  driftEvents(taxonomy: string, filter?: DriftEventFilter): Promise<DriftEventRow[]> {
    return listDriftEvents(this.db, taxonomy, filter);
  }

  async reset(taxonomy?: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      let cells = trx.deleteFrom('analytics_cells');
      let cursors = trx.deleteFrom('analytics_cursor');
      let bins = trx.deleteFrom('analytics_histograms');
      if (taxonomy !== undefined) {
        cells = cells.where('taxonomy', '=', taxonomy);
        cursors = cursors.where('taxonomy', '=', taxonomy);
        bins = bins.where('taxonomy', '=', taxonomy);
      }
      await cells.execute();
      await bins.execute();
      await deleteLogRows(trx, taxonomy);
      await deletePerformanceRows(trx, taxonomy);
      await deleteRunRows(trx, taxonomy);
      await cursors.execute();
    });
  }
}

class CursorMoved extends Error {
  constructor() {
    super('the analyst cursor moved under this batch');
  }
}

/** SQLite's SQLITE_CONSTRAINT_PRIMARYKEY or PostgreSQL's unique_violation. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
