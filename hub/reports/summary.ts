// The reviewer's summary in one object: devices at a glance, coverage per source, fleet drift bands,
// handovers and decisions per day, the worst cells and each device's checkpoint. Built from the other reports.
import type { Taxonomy } from '../../config/odd-config.js';
import { coverageReport, type CoverageReport } from '../analytics/coverage-report.js';
import { performanceReport } from '../analytics/performance-report.js';
import type { HubStore } from '../store/index.js';
import { decisionLogOf } from './decision-log.js';
import { deviceReport, type DeviceReportOptions, type DeviceReportRow } from './device-report.js';
import { driftReportFor } from './drift.js';
import { withLatency } from './handover-log.js';

const DAY_MS = 86_400_000;

export interface Summary {
  generated_ms: number;
  taxonomy: CoverageReport['taxonomy'];
  devices: {
    total: number;
    online: number | null;
    /** Not seen for `silent_after_ms`. */
    silent: number;
    silent_after_ms: number;
    integrity_failures: number;
    with_unexplained_holes: number;
    rows: DeviceReportRow[];
  };
  coverage: Pick<CoverageReport, 'min' | 'lag' | 'totals' | 'coverage' | 'uncovered_pairs_total'> & {
    /** Pairs the field covered that no simulation did (counted up to 1000). */
    field_only_pairs: number;
  };
  drift: { baseline: string; current: string; features: { feature: string; band: string; psi: number | null; js: number | null }[] };
  /** Per UTC day: handover transfers (ACCEPTED) and decisions. */
  days: { day_ms: number; handovers: number; go: number; no_go: number }[];
  /** The cells clearly worse than the whole (the performance report's rule), worst no-go rate first, at most 5. */
  worst_cells: { cell: string; decisions: number; no_go: number; no_go_rate: number | null; confidence_mean: number | null; reasons: string[] }[];
  /** How many cells the rule flags in all. */
  worse_cells_total: number;
  whole: { decisions: number; no_go_rate: number | null; confidence_mean: number | null };
}

export interface SummaryOptions extends DeviceReportOptions {
  silentAfterMs?: number;
}

export async function summaryReport(store: HubStore, taxonomy: Taxonomy, o: SummaryOptions = {}): Promise<Summary> {
  const now = (o.now ?? Date.now)();
  const silentAfterMs = o.silentAfterMs ?? 5 * 60_000;
  const devices = await deviceReport(store, o);
  const coverage = await coverageReport(store, taxonomy, { limit: 1000 });
  const drift = await driftReportFor(store, taxonomy);
  const performance = await performanceReport(store, taxonomy);
  const decisions = decisionLogOf(await store.analytics().decisions(taxonomy.fingerprint));
  const handovers = withLatency(await store.analytics().handovers(taxonomy.fingerprint));
  const days = new Map(decisions.by_day.map((d) => [d.day_ms, { ...d, handovers: 0 }]));
  for (const h of handovers) {
    if (h.phase !== 'ACCEPTED') continue;
    const dayMs = Math.floor(h.timeMs / DAY_MS) * DAY_MS;
    const day = days.get(dayMs) ?? { day_ms: dayMs, go: 0, no_go: 0, handovers: 0 };
    day.handovers++;
    days.set(dayMs, day);
  }
  const worse = performance.cells.filter((c) => c.worse)
    .sort((a, b) => (b.no_go_rate ?? -1) - (a.no_go_rate ?? -1) || b.decisions - a.decisions);
  return {
    generated_ms: now,
    taxonomy: coverage.taxonomy,
    devices: {
      total: devices.length,
      online: o.presence ? devices.filter((d) => d.online).length : null,
      silent: devices.filter((d) => now - d.last_seen_ms > silentAfterMs).length,
      silent_after_ms: silentAfterMs,
      integrity_failures: devices.filter((d) => d.integrity_events.length > 0).length,
      with_unexplained_holes: devices.filter((d) => d.holes.length > 0).length,
      rows: devices,
    },
    coverage: {
      min: coverage.min, lag: coverage.lag, totals: coverage.totals, coverage: coverage.coverage,
      uncovered_pairs_total: coverage.uncovered_pairs_total, field_only_pairs: coverage.field_only_pairs.length,
    },
    drift: {
      baseline: drift.baseline.description, current: drift.current.description,
      features: drift.fleet.map((f) => ({ feature: f.feature, band: f.band, psi: f.psi, js: f.js })),
    },
    days: [...days.values()].sort((a, b) => a.day_ms - b.day_ms),
    worst_cells: worse.slice(0, 5).map((c) => ({
      cell: c.key, decisions: c.decisions, no_go: c.no_go, no_go_rate: c.no_go_rate, confidence_mean: c.confidence.mean, reasons: c.reasons,
    })),
    worse_cells_total: worse.length,
    whole: { decisions: performance.whole.decisions, no_go_rate: performance.whole.no_go_rate, confidence_mean: performance.whole.confidence.mean },
  };
}
