// The performance report from the analyst's aggregates: confidence distribution and no-go rate per cell and per
// model, with the cells clearly worse than the whole (the claim's limits). Aggregates only, no segment scans.
import type { Taxonomy } from '../../config/odd-config.js';
import type { HubStore } from '../store/index.js';
import type { Source } from './coverage.js';
import { performanceOf, type PerformanceBreakdown, type PerformanceOptions } from './performance.js';
import { analysisLag, resolveScope, type ReportScope } from './report-scope.js';

export interface PerformanceReport extends PerformanceBreakdown {
  taxonomy: { id: string; fingerprint: string; dimensions: string[] };
  device: string | null;
  matrix: string | null;
  /** The sources counted; null: every source. */
  sources: Source[] | null;
  /** Seqs committed but not analysed yet, over the devices reported. */
  lag: number;
}

export interface PerformanceReportOptions extends ReportScope, PerformanceOptions {}

export async function performanceReport(store: HubStore, taxonomy: Taxonomy, o: PerformanceReportOptions = {}): Promise<PerformanceReport> {
  const { sources, z, min_decisions, min_samples, confidence_margin, ...scope } = o;
  const filter = await resolveScope(store, taxonomy, scope);
  const totals = await store.analytics().performanceTotals(taxonomy.fingerprint, filter);
  return {
    taxonomy: { id: taxonomy.id, fingerprint: taxonomy.fingerprint, dimensions: taxonomy.dimensions.map((d) => d.name) },
    device: o.deviceId ?? null,
    matrix: o.matrixId ?? null,
    sources: sources ? [...sources] : null,
    lag: await analysisLag(store, taxonomy, filter),
    ...performanceOf(taxonomy, totals, { sources, z, min_decisions, min_samples, confidence_margin }),
  };
}
