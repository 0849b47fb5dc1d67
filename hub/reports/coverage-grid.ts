// A pairwise heat map of the taxonomy: samples and exposure per level pair of two dimensions, for one
// source or all, summed from the coverage report's cells (aggregates, no scans). Pure.
import { UNKNOWN_LEVEL, type Taxonomy } from '../../config/odd-config.js';
import type { CoverageReport } from '../analytics/coverage-report.js';
import { SOURCES, type Source } from '../analytics/index.js';

export interface CoverageGrid {
  a: string;
  b: string;
  source: Source | 'all';
  a_levels: string[];
  b_levels: string[];
  /** samples[i][j]: samples with a = a_levels[i] and b = b_levels[j]. */
  samples: number[][];
  exposure_s: number[][];
  /** Whether the pair reaches the taxonomy's coverage minimum (samples and seconds). */
  covered: boolean[][];
}

export class GridError extends Error {}

export function coverageGrid(r: CoverageReport, taxonomy: Taxonomy, a: string, b: string, source: Source | 'all' = 'all'): CoverageGrid {
  const dims = taxonomy.dimensions.map((d) => d.name);
  for (const [flag, d] of [['a', a], ['b', b]] as const) {
    if (!dims.includes(d)) throw new GridError(`${flag}: expected one of ${dims.join(', ')}, got "${d}"`);
  }
  if (a === b) throw new GridError(`a and b: expected two different dimensions, got "${a}" twice`);
  if (source !== 'all' && !SOURCES.includes(source)) throw new GridError(`source: expected all or one of ${SOURCES.join(', ')}, got "${source}"`);
  const levelsOf = (d: string) => [...taxonomy.dimensions.find((x) => x.name === d)!.levels.map((l) => l.name), UNKNOWN_LEVEL];
  const aLevels = levelsOf(a);
  const bLevels = levelsOf(b);
  const zero = () => aLevels.map(() => bLevels.map(() => 0));
  const samples = zero();
  const exposure = zero();
  for (const c of r.cells) {
    const stats = source === 'all' ? c.total : c.by_source[source];
    if (!stats) continue;
    const i = aLevels.indexOf(c.cell[a]);
    const j = bLevels.indexOf(c.cell[b]);
    if (i < 0 || j < 0) continue;
    samples[i][j] += stats.samples;
    exposure[i][j] += stats.exposure_ms;
  }
  const exposureS = exposure.map((row) => row.map((ms) => ms / 1000));
  return {
    a, b, source, a_levels: aLevels, b_levels: bLevels, samples, exposure_s: exposureS,
    covered: samples.map((row, i) => row.map((n, j) => n >= r.min.min_samples && exposureS[i][j] >= r.min.min_exposure_s)),
  };
}
