// Planned versus achieved for matrix runs: a row's planned cell (its planned level per taxonomy dimension,
// '*' where it leaves one free) against the cells its samples measured, with the share that matched. Pure.
import type { Taxonomy } from '../../config/odd-config.js';
import type { RunRow } from '../store/analytics-run-rows.js';
import { cellKey, cellLevels, type CellKey } from './classify.js';

/** The planned level of a dimension a matrix row leaves free: any measured level matches it. */
export const ANY_LEVEL = '*';
/** A row meets its plan when at least this share of its samples fell in the planned cell. */
export const DEFAULT_MET_SHARE = 0.5;

/** The planned cell in the taxonomy's dimension order, ANY_LEVEL where none is planned; null when nothing is. */
export function plannedCellKey(taxonomy: Taxonomy, planned: Readonly<Record<string, string>>): CellKey | null {
  const levels = taxonomy.dimensions.map((d) => planned[d.name] ?? ANY_LEVEL);
  return levels.every((l) => l === ANY_LEVEL) ? null : cellKey(levels);
}

/** True when a measured cell is the planned one, free dimensions matching any level (unknown included). */
export function matchesPlan(planned: CellKey, measured: CellKey): boolean {
  const p = cellLevels(planned);
  const m = cellLevels(measured);
  return p.length === m.length && p.every((l, i) => l === ANY_LEVEL || l === m[i]);
}

export interface AchievedCell {
  key: CellKey;
  samples: number;
  exposure_ms: number;
  /** The cell matches the plan. */
  planned: boolean;
}

export interface MatrixRowReport {
  row_id: string;
  device: string;
  scenario: string;
  mission_id: string;
  source: string;
  /** Planned level per taxonomy dimension ('*': free); null when the Boot carried no planned levels. */
  planned: Record<string, string> | null;
  planned_cell: CellKey | null;
  /** Planned dimensions or levels the taxonomy does not define: such a plan can never be achieved. */
  unknown_names: string[];
  samples: number;
  samples_in_plan: number;
  /** samples_in_plan / samples; null when nothing was planned or no sample came. */
  share: number | null;
  /** share >= the threshold; null when nothing was planned. */
  met: boolean | null;
  /** Per planned dimension: the share of samples at the planned level, and the samples per measured level. */
  by_dimension: { dimension: string; planned: string; share: number | null; measured: Record<string, number> }[];
  /** The cells measured, most samples first. */
  achieved: AchievedCell[];
}

export interface MatrixTotals {
  rows: number;
  planned: number;
  met: number;
  not_met: number;
  samples: number;
  samples_in_plan: number;
  share: number | null;
}

/** A row's report from its run row and its device's cell totals (any source, summed). */
export function matrixRowOf(taxonomy: Taxonomy, run: RunRow, cells: readonly { cell: CellKey; samples: number; exposure_ms: number }[], threshold = DEFAULT_MET_SHARE): MatrixRowReport {
  const names = taxonomy.dimensions.map((d) => d.name);
  const plannedCell = run.plannedCell;
  const byCell = new Map<CellKey, AchievedCell>();
  for (const c of cells) {
    const a = byCell.get(c.cell) ?? { key: c.cell, samples: 0, exposure_ms: 0, planned: plannedCell !== null && matchesPlan(plannedCell, c.cell) };
    a.samples += c.samples;
    a.exposure_ms += c.exposure_ms;
    byCell.set(c.cell, a);
  }
  const achieved = [...byCell.values()].filter((a) => a.samples > 0 || a.exposure_ms > 0)
    .sort((a, b) => b.samples - a.samples || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const samples = achieved.reduce((s, a) => s + a.samples, 0);
  const inPlan = achieved.reduce((s, a) => s + (a.planned ? a.samples : 0), 0);
  const unknownNames = Object.entries(run.plannedLevels).flatMap(([dim, level]) => {
    const d = taxonomy.dimensions.find((x) => x.name === dim);
    if (!d) return [dim];
    return d.levels.some((l) => l.name === level) ? [] : [`${dim}=${level}`];
  });
  const plannedLevels = plannedCell === null ? null : cellLevels(plannedCell);
  const byDimension = plannedLevels === null ? [] : names.flatMap((dimension, i) => {
    if (plannedLevels[i] === ANY_LEVEL) return [];
    const measured: Record<string, number> = {};
    for (const a of achieved) {
      const level = cellLevels(a.key)[i];
      measured[level] = (measured[level] ?? 0) + a.samples;
    }
    return [{ dimension, planned: plannedLevels[i], share: samples > 0 ? (measured[plannedLevels[i]] ?? 0) / samples : null, measured }];
  });
  const share = plannedCell !== null && samples > 0 ? inPlan / samples : null;
  return {
    row_id: run.rowId, device: run.deviceId, scenario: run.scenario, mission_id: run.missionId, source: run.source,
    planned: plannedLevels === null ? null : Object.fromEntries(names.map((n, i) => [n, plannedLevels[i]])),
    planned_cell: plannedCell, unknown_names: unknownNames, samples, samples_in_plan: inPlan, share,
    met: plannedCell === null ? null : share !== null && share >= threshold,
    by_dimension: byDimension, achieved,
  };
}

/** Totals over a matrix's rows: rows with a plan, met and not, and the samples in plan over those rows. */
export function matrixTotalsOf(rows: readonly MatrixRowReport[]): MatrixTotals {
  const planned = rows.filter((r) => r.planned_cell !== null);
  const samples = planned.reduce((s, r) => s + r.samples, 0);
  const inPlan = planned.reduce((s, r) => s + r.samples_in_plan, 0);
  return {
    rows: rows.length, planned: planned.length, met: planned.filter((r) => r.met).length, not_met: planned.filter((r) => !r.met).length,
    samples, samples_in_plan: inPlan, share: samples > 0 ? inPlan / samples : null,
  };
}
