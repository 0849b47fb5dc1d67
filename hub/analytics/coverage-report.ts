// The coverage report from the analyst's aggregates: totals per source, t-way coverage (t = 1, 2 and full
// cells) overall and per source, the uncovered pairs, the pairs only the field covered, and the cells seen.
import type { Taxonomy } from '../../config/odd-config.js';
import type { HubStore } from '../store/index.js';
import {
  addToCell, cellRows, emptyCoverage, emptyStats, SOURCES, STAT_KEYS, totalOf,
  type CellRow, type CellStats, type CoverageAggregate, type CoverageMinimum, type Source,
} from './coverage.js';
import { analysisLag, resolveScope, type ReportScope } from './report-scope.js';
import { spaceOf } from './space.js';
import { combinationCoverage, fieldOnlyCombinations, type Combination, type FieldOnlyCombination, type SeenCombination } from './t-way.js';

export interface CoverageFigure {
  valid: number;
  covered: number;
  ratio: number;
}

export interface CoverageReport {
  taxonomy: { id: string; fingerprint: string; dimensions: string[] };
  device: string | null;
  /** The matrix run whose devices alone are counted; null: not restricted to one. */
  matrix: string | null;
  min: CoverageMinimum;
  /** Seqs committed but not analysed yet, over the devices reported: the figures trail ingest by this much. */
  lag: number;
  totals: Record<Source | 'all', CellStats>;
  /** Per evidence (every source together, then each): t = 1, 2 and 3, and full cells (t = every dimension). */
  coverage: { sources: Source | 'all'; t1: CoverageFigure; t2: CoverageFigure; t3: CoverageFigure; cells: CoverageFigure }[];
  uncovered_pairs_total: number;
  uncovered_pairs: Combination[];
  /** Pairs the field covered that no simulation did: where the test plan fell short. */
  field_only_pairs: FieldOnlyCombination[];
  /** Pairs the samples hold that the constraints call impossible: a constraint (or a sensor) to revisit. */
  observed_excluded_pairs: SeenCombination[];
  cells: CellRow[];
}

export interface CoverageReportOptions extends ReportScope {
  /** At most this many uncovered and field-only pairs are listed (all are counted). */
  limit?: number;
}

/** Reads the aggregates of `taxonomy` (every device, one, or a matrix run's) and derives the report; aggregates only, no segment scans. */
export async function coverageReport(store: HubStore, taxonomy: Taxonomy, o: CoverageReportOptions = {}): Promise<CoverageReport> {
  const analytics = store.analytics();
  const agg = emptyCoverage(taxonomy);
  const filter = await resolveScope(store, taxonomy, o);
  for (const r of await analytics.cellTotals(taxonomy.fingerprint, filter)) {
    const { cell, source, ...stats } = r;
    addToCell(agg, cell.split('/'), source as Source, stats);
  }
  const lag = await analysisLag(store, taxonomy, filter);
  return coverageReportOf(agg, taxonomy, { deviceId: o.deviceId, matrixId: o.matrixId, limit: o.limit, lag });
}

/** The report of an aggregate already in hand (pure). */
export function coverageReportOf(agg: CoverageAggregate, taxonomy: Taxonomy, o: { deviceId?: string; matrixId?: string; limit?: number; lag?: number } = {}): CoverageReport {
  const limit = o.limit ?? 10;
  const min = taxonomy.coverage;
  const space = spaceOf(taxonomy);
  const n = taxonomy.dimensions.length;
  const figure = (t: number, sources: readonly Source[]): CoverageFigure => {
    const c = combinationCoverage(agg, space, { t, sources, min, limit: 0 });
    return { valid: c.valid, covered: c.covered, ratio: c.ratio };
  };
  const totals = { all: emptyStats() } as Record<Source | 'all', CellStats>;
  for (const s of SOURCES) totals[s] = emptyStats();
  for (const bySource of Object.values(agg.cells)) {
    for (const s of SOURCES) {
      const x = totalOf(bySource, [s]);
      for (const k of STAT_KEYS) {
        totals[s][k] += x[k];
        totals.all[k] += x[k];
      }
    }
  }
  const present = SOURCES.filter((s) => totals[s].samples > 0 || totals[s].exposure_ms > 0);
  const coverage = [{ sources: 'all' as const, list: SOURCES }, ...present.map((s) => ({ sources: s, list: [s] as const }))]
    .map(({ sources, list }) => ({ sources, t1: figure(1, list), t2: figure(Math.min(2, n), list), t3: figure(Math.min(3, n), list), cells: figure(n, list) }));
  const pairs = combinationCoverage(agg, space, { t: Math.min(2, n), min, limit });
  return {
    taxonomy: { id: taxonomy.id, fingerprint: taxonomy.fingerprint, dimensions: taxonomy.dimensions.map((d) => d.name) },
    device: o.deviceId ?? null,
    matrix: o.matrixId ?? null,
    min,
    lag: o.lag ?? 0,
    totals,
    coverage,
    uncovered_pairs_total: pairs.uncovered_total,
    uncovered_pairs: pairs.uncovered,
    field_only_pairs: fieldOnlyCombinations(agg, space, { t: Math.min(2, n), min, limit }),
    observed_excluded_pairs: pairs.observed_excluded,
    cells: cellRows(agg),
  };
}
