// Performance by condition: perception-confidence distribution and no-go rate per cell and per model, from the
// analyst's performance totals, and which cells (and models) are clearly worse than the whole. Pure.
import type { Taxonomy } from '../../config/odd-config.js';
import { CONFIDENCE_BINS, type PerformanceTotal } from '../store/analytics-performance-rows.js';
import { cellLevels, type CellKey } from './classify.js';
import type { Source } from './coverage.js';

export interface PerformanceRule {
  /** z of the two-sided intervals (1.96: 95%). */
  z: number;
  /** Fewest decisions before a no-go rate is judged. */
  min_decisions: number;
  /** Fewest samples with a confidence before a mean confidence is judged. */
  min_samples: number;
  /** How far below the whole's mean confidence a group's upper bound must be. */
  confidence_margin: number;
}

export const DEFAULT_PERFORMANCE_RULE: PerformanceRule = { z: 1.96, min_decisions: 10, min_samples: 30, confidence_margin: 0.05 };

export interface ConfidenceFigures {
  /** Samples with a confidence. */
  n: number;
  /** Samples without one. */
  missing: number;
  /** From the bins: each sample at its bin's midpoint (off by at most half a bin, 0.05). null when n is 0. */
  mean: number | null;
  sd: number | null;
  /** Quantiles from the bins, each bin's samples spread evenly across it. */
  p10: number | null;
  p50: number | null;
  /** Samples per bin: [0, 0.1), ..., [0.9, 1]. */
  bins: number[];
}

export interface PerformanceFigures {
  /** Conditions samples. */
  samples: number;
  confidence: ConfidenceFigures;
  /** Decisions with a verdict: go + no_go. */
  decisions: number;
  go: number;
  no_go: number;
  no_go_rate: number | null;
  /** Wilson score interval of the no-go rate at the rule's z. */
  no_go_interval: [number, number] | null;
}

export interface JudgedFigures extends PerformanceFigures {
  worse: boolean;
  /** Which rule flagged it. */
  worse_by: ('no_go' | 'confidence')[];
  /** Each flag in words, with the figures behind it. */
  reasons: string[];
}

export interface CellPerformance extends JudgedFigures {
  key: CellKey;
  cell: Record<string, string>;
}

export interface ModelPerformance extends JudgedFigures {
  /** "id@version"; '' when the device named no model. */
  model: string;
  /** The model's cells, each judged against the model's own whole. */
  cells: CellPerformance[];
}

export interface PerformanceBreakdown {
  rule: PerformanceRule;
  whole: PerformanceFigures;
  /** Every cell, models pooled, judged against the whole. */
  cells: CellPerformance[];
  /** The keys of the cells flagged worse. */
  worse_cells: CellKey[];
  /** Every model, judged against the whole. */
  models: ModelPerformance[];
}

interface Counts {
  bins: number[];
  missing: number;
  go: number;
  no_go: number;
}

const empty = (): Counts => ({ bins: new Array<number>(CONFIDENCE_BINS).fill(0), missing: 0, go: 0, no_go: 0 });

function add(into: Counts, r: Pick<PerformanceTotal, 'confidence' | 'missing' | 'go' | 'no_go'>): void {
  r.confidence.forEach((c, i) => (into.bins[i] += c));
  into.missing += r.missing;
  into.go += r.go;
  into.no_go += r.no_go;
}

/** Wilson score interval of k successes in n trials; null when n is 0. */
export function wilsonInterval(k: number, n: number, z = 1.96): [number, number] | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

/** The q-quantile of binned values in [0, 1], each bin's counts spread evenly across it; null when empty. */
export function binQuantile(bins: readonly number[], q: number): number | null {
  const n = bins.reduce((s, c) => s + c, 0);
  if (n === 0) return null;
  const width = 1 / bins.length;
  const target = q * n;
  let below = 0;
  for (let k = 0; k < bins.length; k++) {
    if (bins[k] > 0 && below + bins[k] >= target) return (k + (target - below) / bins[k]) * width;
    below += bins[k];
  }
  return 1;
}

export function figuresOf(c: Counts, z: number): PerformanceFigures {
  const n = c.bins.reduce((s, x) => s + x, 0);
  const mid = (k: number) => (k + 0.5) / CONFIDENCE_BINS;
  const mean = n > 0 ? c.bins.reduce((s, x, k) => s + x * mid(k), 0) / n : null;
  const sd = mean !== null && n > 1 ? Math.sqrt(c.bins.reduce((s, x, k) => s + x * (mid(k) - mean) ** 2, 0) / (n - 1)) : null;
  const decisions = c.go + c.no_go;
  return {
    samples: n + c.missing,
    confidence: { n, missing: c.missing, mean, sd, p10: binQuantile(c.bins, 0.1), p50: binQuantile(c.bins, 0.5), bins: [...c.bins] },
    decisions, go: c.go, no_go: c.no_go,
    no_go_rate: decisions > 0 ? c.no_go / decisions : null,
    no_go_interval: wilsonInterval(c.no_go, decisions, z),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * Judges a group against the whole it belongs to. No-go: flagged when it has at least min_decisions and the
 * lower bound of its Wilson interval is above the whole's rate. Confidence: flagged when it has at least
 * min_samples with a confidence and the upper bound of its mean's interval (mean + z·sd/√n) is more than
 * confidence_margin below the whole's mean.
 */
export function judge(g: PerformanceFigures, whole: PerformanceFigures, rule: PerformanceRule): JudgedFigures {
  const worse_by: JudgedFigures['worse_by'] = [];
  const reasons: string[] = [];
  const iv = g.no_go_interval;
  if (iv && whole.no_go_rate !== null && g.decisions >= rule.min_decisions && iv[0] > whole.no_go_rate) {
    worse_by.push('no_go');
    reasons.push(`no-go rate ${pct(g.no_go_rate!)} (${g.no_go} of ${g.decisions}; interval ${pct(iv[0])}-${pct(iv[1])}) is above the whole's ${pct(whole.no_go_rate)}`);
  }
  const c = g.confidence;
  const w = whole.confidence;
  if (c.mean !== null && w.mean !== null && c.n >= rule.min_samples) {
    const upper = c.mean + (rule.z * (c.sd ?? 0)) / Math.sqrt(c.n);
    if (upper < w.mean - rule.confidence_margin) {
      worse_by.push('confidence');
      reasons.push(`mean confidence ${c.mean.toFixed(3)} (upper bound ${upper.toFixed(3)}, ${c.n} samples) is more than ${rule.confidence_margin} below the whole's ${w.mean.toFixed(3)}`);
    }
  }
  return { ...g, worse: worse_by.length > 0, worse_by, reasons };
}

export interface PerformanceOptions extends Partial<PerformanceRule> {
  /** Only rows of these sources (default: every source). */
  sources?: readonly Source[];
}

/** The breakdown of the totals under a taxonomy: the whole, each cell, each model and each model's cells. */
export function performanceOf(taxonomy: Taxonomy, totals: readonly PerformanceTotal[], o: PerformanceOptions = {}): PerformanceBreakdown {
  const rule: PerformanceRule = {
    z: o.z ?? DEFAULT_PERFORMANCE_RULE.z,
    min_decisions: o.min_decisions ?? DEFAULT_PERFORMANCE_RULE.min_decisions,
    min_samples: o.min_samples ?? DEFAULT_PERFORMANCE_RULE.min_samples,
    confidence_margin: o.confidence_margin ?? DEFAULT_PERFORMANCE_RULE.confidence_margin,
  };
  const rows = o.sources ? totals.filter((r) => o.sources!.includes(r.source as Source)) : totals;
  const whole = empty();
  const byCell = new Map<CellKey, Counts>();
  const byModel = new Map<string, { all: Counts; cells: Map<CellKey, Counts> }>();
  for (const r of rows) {
    add(whole, r);
    add(getOr(byCell, r.cell, empty), r);
    const m = getOr(byModel, r.model, () => ({ all: empty(), cells: new Map<CellKey, Counts>() }));
    add(m.all, r);
    add(getOr(m.cells, r.cell, empty), r);
  }
  const names = taxonomy.dimensions.map((d) => d.name);
  const wholeFigures = figuresOf(whole, rule.z);
  const cellsOf = (cells: Map<CellKey, Counts>, against: PerformanceFigures): CellPerformance[] => [...cells.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, counts]) => ({ key, cell: Object.fromEntries(cellLevels(key).map((l, i) => [names[i] ?? String(i), l])), ...judge(figuresOf(counts, rule.z), against, rule) }));
  const cells = cellsOf(byCell, wholeFigures);
  const models = [...byModel.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([model, m]) => {
    const own = figuresOf(m.all, rule.z);
    return { model, ...judge(own, wholeFigures, rule), cells: cellsOf(m.cells, own) };
  });
  return { rule, whole: wholeFigures, cells, worse_cells: cells.filter((c) => c.worse).map((c) => c.key), models };
}

function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}
