// Drift from the analyst's histogram rows: a baseline and a current selection of rows (by source or time),
// summed per feature for the fleet and per device, compared with PSI and the Jensen-Shannon distance. Pure.
import type { Taxonomy } from '../../config/odd-config.js';
import type { HistogramBinRow } from '../store/index.js';
import { compareHistograms, type DriftResult } from './drift.js';
import { emptyHistogram, type Histogram } from './histogram.js';

export interface DriftSelection {
  /** Which rows are the baseline and which the current window; a row may be in neither. */
  baseline(row: HistogramBinRow): boolean;
  current(row: HistogramBinRow): boolean;
}

export interface DriftReport {
  taxonomy: { id: string; fingerprint: string };
  thresholds: { psi_moderate: number; psi_significant: number; smoothing: number };
  fleet: DriftResult[];
  devices: { device: string; features: DriftResult[] }[];
}

/** Sums rows into one histogram per feature, under the taxonomy's current edges (rows under other edges are left out). */
export function histogramsOf(taxonomy: Taxonomy, rows: HistogramBinRow[]): Map<string, Histogram> {
  const out = new Map(taxonomy.features.map((f) => [f.name, emptyHistogram(f)]));
  for (const r of rows) {
    const h = out.get(r.feature);
    if (!h || r.edges !== JSON.stringify(h.edges)) continue;
    if (r.bin < 0) h.missing += r.count;
    else if (r.bin < h.counts.length) h.counts[r.bin] += r.count;
  }
  return out;
}

/** The band thresholds and smoothing of the taxonomy's drift section (not its watcher settings). */
export function thresholdsOf(taxonomy: Taxonomy): DriftReport['thresholds'] {
  const { psi_moderate, psi_significant, smoothing } = taxonomy.drift;
  return { psi_moderate, psi_significant, smoothing };
}

function compareAll(taxonomy: Taxonomy, rows: HistogramBinRow[], s: DriftSelection): DriftResult[] {
  const base = histogramsOf(taxonomy, rows.filter((r) => s.baseline(r)));
  const cur = histogramsOf(taxonomy, rows.filter((r) => s.current(r)));
  return taxonomy.features.map((f) => compareHistograms(base.get(f.name)!, cur.get(f.name)!, thresholdsOf(taxonomy)));
}

/** Fleet: every device's rows together on both sides. Per device: that device's current against the fleet's baseline. */
export function driftReport(taxonomy: Taxonomy, rows: HistogramBinRow[], s: DriftSelection): DriftReport {
  const devices = [...new Set(rows.map((r) => r.deviceId))].sort();
  const baselineRows = rows.filter((r) => s.baseline(r));
  return {
    taxonomy: { id: taxonomy.id, fingerprint: taxonomy.fingerprint },
    thresholds: thresholdsOf(taxonomy),
    fleet: compareAll(taxonomy, rows, s),
    devices: devices.map((device) => ({
      device,
      features: compareAll(taxonomy, [...baselineRows.map((r) => ({ ...r, deviceId: '' })), ...rows.filter((r) => r.deviceId === device && s.current(r))], {
        baseline: (r) => r.deviceId === '', current: (r) => r.deviceId === device,
      }),
    })).filter((d) => d.features.some((f) => f.current_n > 0)),
  };
}
