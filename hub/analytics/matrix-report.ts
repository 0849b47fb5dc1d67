// Planned versus achieved for one matrix run: per row (device), the planned cell, the cells its samples
// measured and the share in plan, whether it met the plan, and totals. From the analyst's run and cell rows.
import type { Taxonomy } from '../../config/odd-config.js';
import type { HubStore } from '../store/index.js';
import { DEFAULT_MET_SHARE, matrixRowOf, matrixTotalsOf, type MatrixRowReport, type MatrixTotals } from './matrix.js';
import { analysisLag } from './report-scope.js';

export interface MatrixReport {
  taxonomy: { id: string; fingerprint: string; dimensions: string[] };
  matrix: string;
  /** A row met its plan when at least this share of its samples was in the planned cell. */
  threshold: number;
  /** Seqs committed but not analysed yet, over the matrix's devices. */
  lag: number;
  rows: MatrixRowReport[];
  totals: MatrixTotals;
}

export interface MatrixReportOptions {
  /** Default 0.5. */
  threshold?: number;
  sinceMs?: number;
  untilMs?: number;
}

export async function matrixReport(store: HubStore, taxonomy: Taxonomy, matrixId: string, o: MatrixReportOptions = {}): Promise<MatrixReport> {
  const threshold = o.threshold ?? DEFAULT_MET_SHARE;
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`threshold must be a share from 0 to 1, got ${threshold}`);
  const analytics = store.analytics();
  const runs = await analytics.runs(taxonomy.fingerprint, { matrixId });
  const rows: MatrixRowReport[] = [];
  for (const run of runs) {
    const cells = await analytics.cellTotals(taxonomy.fingerprint, { deviceId: run.deviceId, sinceMs: o.sinceMs, untilMs: o.untilMs });
    rows.push(matrixRowOf(taxonomy, run, cells, threshold));
  }
  return {
    taxonomy: { id: taxonomy.id, fingerprint: taxonomy.fingerprint, dimensions: taxonomy.dimensions.map((d) => d.name) },
    matrix: matrixId,
    threshold,
    lag: await analysisLag(store, taxonomy, { deviceIds: runs.map((r) => r.deviceId) }),
    rows,
    totals: matrixTotalsOf(rows),
  };
}
