// Per-cell coverage aggregates: samples, exposure, go/no-go and handovers per source, as plain JSON that
// merges exactly (integer sums, so merge is associative and commutative) across windows and hubs. Pure.
import type { Taxonomy } from '../../config/odd-config.js';
import { SOURCES, sourceOf, type CellStats, type Source } from '../../proto/packet/report-fold.js';
import { cellKey, type CellKey } from './classify.js';

// Sources and a cell's figures are the evidence packet's (proto/packet/report-fold.ts): the hub files samples
// exactly as an assessor's verifier recomputes them.
export { SOURCES, sourceOf, type CellStats, type Source };

export const STAT_KEYS = ['samples', 'exposure_ms', 'go', 'no_go', 'handovers'] as const;

export interface CoverageAggregate {
  /** The taxonomy fingerprint the cells were classified under; aggregates of different ones never merge. */
  taxonomy: string;
  /** Dimension names, in the order of the levels in each cell key. */
  dimensions: string[];
  /** Cell key -> source -> stats; only non-empty entries, keys in sorted order. */
  cells: Record<CellKey, Partial<Record<Source, CellStats>>>;
}

export function emptyStats(): CellStats {
  return { samples: 0, exposure_ms: 0, go: 0, no_go: 0, handovers: 0 };
}

export function emptyCoverage(taxonomy: Taxonomy): CoverageAggregate {
  return { taxonomy: taxonomy.fingerprint, dimensions: taxonomy.dimensions.map((d) => d.name), cells: {} };
}

/**
 * Adds `delta` to the cell's stats for `source`, in place (the analyst's hot path). Every figure must be a
 * non-negative integer: exposure is in milliseconds so that sums never depend on their order.
 */
export function addToCell(agg: CoverageAggregate, levels: readonly string[], source: Source, delta: Partial<CellStats>): void {
  if (levels.length !== agg.dimensions.length) {
    throw new RangeError(`a cell needs ${agg.dimensions.length} levels (${agg.dimensions.join(', ')}), got ${levels.length}`);
  }
  if (!(SOURCES as readonly string[]).includes(source)) throw new RangeError(`source must be one of ${SOURCES.join(', ')}, got ${JSON.stringify(source)}`);
  for (const k of STAT_KEYS) {
    const v = delta[k];
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) throw new RangeError(`${k} must be a non-negative integer, got ${v}`);
  }
  const key = cellKey(levels);
  const bySource = (agg.cells[key] ??= {});
  const stats = (bySource[source] ??= emptyStats());
  for (const k of STAT_KEYS) stats[k] += delta[k] ?? 0;
}

/** a + b, as a new aggregate (neither input changes). Refuses aggregates classified under different taxonomies. */
export function merge(a: CoverageAggregate, b: CoverageAggregate): CoverageAggregate {
  if (a.taxonomy !== b.taxonomy || a.dimensions.join('/') !== b.dimensions.join('/')) {
    throw new Error(`cannot merge coverage classified under taxonomy ${a.taxonomy} (${a.dimensions.join(', ')}) with ${b.taxonomy} (${b.dimensions.join(', ')}): rebuild one from the segments`);
  }
  const cells: CoverageAggregate['cells'] = {};
  for (const key of [...new Set([...Object.keys(a.cells), ...Object.keys(b.cells)])].sort()) {
    const out: Partial<Record<Source, CellStats>> = {};
    for (const s of SOURCES) {
      const x = a.cells[key]?.[s];
      const y = b.cells[key]?.[s];
      if (!x && !y) continue;
      const sum = emptyStats();
      for (const k of STAT_KEYS) sum[k] = (x?.[k] ?? 0) + (y?.[k] ?? 0);
      out[s] = sum;
    }
    if (Object.keys(out).length) cells[key] = out;
  }
  return { taxonomy: a.taxonomy, dimensions: [...a.dimensions], cells };
}

/** The stats of the given sources together. */
export function totalOf(bySource: Partial<Record<Source, CellStats>> | undefined, sources: readonly Source[] = SOURCES): CellStats {
  const sum = emptyStats();
  for (const s of sources) for (const k of STAT_KEYS) sum[k] += bySource?.[s]?.[k] ?? 0;
  return sum;
}

/** What a cell or combination needs to count as covered; both must hold. */
export interface CoverageMinimum {
  min_samples: number;
  min_exposure_s: number;
}

export function meets(stats: Pick<CellStats, 'samples' | 'exposure_ms'>, min: CoverageMinimum): boolean {
  return stats.samples >= min.min_samples && stats.exposure_ms >= min.min_exposure_s * 1000;
}

export interface CellRow {
  cell: Record<string, string>;
  key: CellKey;
  total: CellStats;
  by_source: Partial<Record<Source, CellStats>>;
}

/** One row per cell, with its levels by dimension and its stats per source and in total; for tables and heat maps. */
export function cellRows(agg: CoverageAggregate): CellRow[] {
  return Object.keys(agg.cells).sort().map((key) => {
    const levels = key.split('/');
    return {
      cell: Object.fromEntries(agg.dimensions.map((d, i) => [d, levels[i]])),
      key,
      total: totalOf(agg.cells[key]),
      by_source: agg.cells[key],
    };
  });
}
