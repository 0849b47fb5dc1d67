// The analyst's performance aggregate: per device, hour, cell, source and model, perception-confidence bin
// counts and go/no-go counts. Additive (summed on conflict), so batches, rebuilds and hub processes merge.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AggregateFilter } from './analytics-store.js';
import type { HubTables } from './tables.js';

/** Fixed confidence bins: [0, 0.1), [0.1, 0.2), ..., [0.9, 1]. */
export const CONFIDENCE_BINS = 10;

export interface PerformanceRow {
  deviceId: string;
  bucketMs: number;
  cell: string;
  source: string;
  /** "id@version" of the model (the Decision's own, else the device's latest Boot's first); '' when none. */
  model: string;
  /** Conditions samples per confidence bin (CONFIDENCE_BINS of them). */
  confidence: number[];
  /** Conditions samples without perception_confidence. */
  missing: number;
  go: number;
  no_go: number;
}

export type PerformanceTotal = Omit<PerformanceRow, 'deviceId' | 'bucketMs'>;

const BIN_COLUMNS = ['conf_0', 'conf_1', 'conf_2', 'conf_3', 'conf_4', 'conf_5', 'conf_6', 'conf_7', 'conf_8', 'conf_9'] as const;
const COUNTS = [...BIN_COLUMNS, 'conf_missing', 'go', 'no_go'] as const;
type Count = (typeof COUNTS)[number];
/** Rows per INSERT: 19 parameters each. */
const CHUNK = 200;

export async function insertPerformanceRows(trx: Transaction<HubTables>, taxonomy: string, rows: PerformanceRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx.insertInto('analytics_performance').values(rows.slice(i, i + CHUNK).map((r) => ({
      taxonomy, device_id: r.deviceId, bucket_ms: r.bucketMs, cell: r.cell, source: r.source, model: r.model,
      ...countsOf(r),
    }))).onConflict((oc) => oc.columns(['taxonomy', 'device_id', 'bucket_ms', 'cell', 'source', 'model']).doUpdateSet((eb) => Object.fromEntries(
      COUNTS.map((k) => [k, eb(sql.ref(`analytics_performance.${k}`), '+', eb.ref(`excluded.${k}`))]),
    ) as Record<Count, never>)).execute();
  }
}

/** Every row of a taxonomy, in key order (for tests and exports). */
export async function performanceRows(db: Kysely<HubTables>, taxonomy: string, f: AggregateFilter = {}): Promise<PerformanceRow[]> {
  if (f.deviceIds?.length === 0) return [];
  let q = db.selectFrom('analytics_performance').selectAll().where('taxonomy', '=', taxonomy);
  if (f.deviceId !== undefined) q = q.where('device_id', '=', f.deviceId);
  if (f.deviceIds !== undefined) q = q.where('device_id', 'in', f.deviceIds);
  if (f.sinceMs !== undefined) q = q.where('bucket_ms', '>=', f.sinceMs);
  if (f.untilMs !== undefined) q = q.where('bucket_ms', '<', f.untilMs);
  const rows = await q.orderBy('device_id').orderBy('bucket_ms').orderBy('cell').orderBy('source').orderBy('model').execute();
  return rows.map((r) => ({ deviceId: r.device_id, bucketMs: Number(r.bucket_ms), cell: r.cell, source: r.source, model: r.model, ...fromCounts(r) }));
}

/** Rows summed over devices and hours, per cell, source and model. */
export async function performanceTotals(db: Kysely<HubTables>, taxonomy: string, f: AggregateFilter = {}): Promise<PerformanceTotal[]> {
  if (f.deviceIds?.length === 0) return [];
  let q = db.selectFrom('analytics_performance')
    .select((eb) => ['cell', 'source', 'model', ...COUNTS.map((k) => eb.fn.sum<number>(k).as(k))])
    .where('taxonomy', '=', taxonomy);
  if (f.deviceId !== undefined) q = q.where('device_id', '=', f.deviceId);
  if (f.deviceIds !== undefined) q = q.where('device_id', 'in', f.deviceIds);
  if (f.sinceMs !== undefined) q = q.where('bucket_ms', '>=', f.sinceMs);
  if (f.untilMs !== undefined) q = q.where('bucket_ms', '<', f.untilMs);
  const rows = await q.groupBy(['cell', 'source', 'model']).orderBy('cell').orderBy('source').orderBy('model').execute();
  return rows.map((r) => ({ cell: r.cell, source: r.source, model: r.model, ...fromCounts(r as unknown as Record<Count, number>) }));
}

export async function deletePerformanceRows(trx: Transaction<HubTables>, taxonomy?: string): Promise<void> {
  let q = trx.deleteFrom('analytics_performance');
  if (taxonomy !== undefined) q = q.where('taxonomy', '=', taxonomy);
  await q.execute();
}

function countsOf(r: PerformanceRow): Record<Count, number> {
  if (r.confidence.length !== CONFIDENCE_BINS) throw new Error(`a performance row needs ${CONFIDENCE_BINS} confidence bins, got ${r.confidence.length}`);
  const out = { conf_missing: r.missing, go: r.go, no_go: r.no_go } as Record<Count, number>;
  BIN_COLUMNS.forEach((k, i) => (out[k] = r.confidence[i]));
  return out;
}

function fromCounts(r: Record<Count, number>): Pick<PerformanceRow, 'confidence' | 'missing' | 'go' | 'no_go'> {
  return { confidence: BIN_COLUMNS.map((k) => Number(r[k])), missing: Number(r.conf_missing), go: Number(r.go), no_go: Number(r.no_go) };
}
