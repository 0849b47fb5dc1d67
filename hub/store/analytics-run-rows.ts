// The analyst's run rows: per taxonomy and device, the provenance of its latest Boot (matrix, row, scenario,
// mission, source) and the row's planned cell. Upserted in the analyst's batch transaction; rebuilt by reindex.
import type { Kysely, Transaction } from 'kysely';
import type { HubTables } from './tables.js';

export interface RunRow {
  deviceId: string;
  /** The Boot the row was taken from: the device's latest analysed. */
  bootSeq: number;
  bootMs: number;
  /** '' when the Boot named none (a device outside any matrix). */
  matrixId: string;
  rowId: string;
  scenario: string;
  missionId: string;
  source: string;
  /** Provenance.planned_levels: dimension name -> planned level, as the Boot gave them. */
  plannedLevels: Record<string, string>;
  /** The planned cell in the taxonomy's dimension order, '*' where the row leaves a dimension free; null: nothing planned. */
  plannedCell: string | null;
}

export interface RunFilter {
  matrixId?: string;
  deviceId?: string;
}

export async function upsertRunRows(trx: Transaction<HubTables>, taxonomy: string, rows: RunRow[]): Promise<void> {
  for (const r of rows) {
    const values = {
      boot_seq: r.bootSeq, boot_ms: r.bootMs, matrix_id: r.matrixId, row_id: r.rowId, scenario: r.scenario, mission_id: r.missionId,
      source: r.source, planned_levels: JSON.stringify(sortedKeys(r.plannedLevels)), planned_cell: r.plannedCell,
    };
    await trx.insertInto('analytics_runs').values({ taxonomy, device_id: r.deviceId, ...values })
      .onConflict((oc) => oc.columns(['taxonomy', 'device_id']).doUpdateSet(values)).execute();
  }
}

/** Run rows of a taxonomy, in matrix, row and device order. */
export async function runRows(db: Kysely<HubTables>, taxonomy: string, f: RunFilter = {}): Promise<RunRow[]> {
  let q = db.selectFrom('analytics_runs').selectAll().where('taxonomy', '=', taxonomy);
  if (f.matrixId !== undefined) q = q.where('matrix_id', '=', f.matrixId);
  if (f.deviceId !== undefined) q = q.where('device_id', '=', f.deviceId);
  const rows = await q.orderBy('matrix_id').orderBy('row_id').orderBy('device_id').execute();
  return rows.map((r) => ({
    deviceId: r.device_id, bootSeq: Number(r.boot_seq), bootMs: Number(r.boot_ms), matrixId: r.matrix_id, rowId: r.row_id, scenario: r.scenario,
    missionId: r.mission_id, source: r.source, plannedLevels: JSON.parse(r.planned_levels) as Record<string, string>, plannedCell: r.planned_cell,
  }));
}

export async function deleteRunRows(trx: Transaction<HubTables>, taxonomy?: string): Promise<void> {
  let q = trx.deleteFrom('analytics_runs');
  if (taxonomy !== undefined) q = q.where('taxonomy', '=', taxonomy);
  await q.execute();
}

/** Keys in order, so the stored JSON does not depend on the order a map arrived in. */
function sortedKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
