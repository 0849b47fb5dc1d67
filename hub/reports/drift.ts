// Drift as the CLI and the API ask for it: baseline and current selections as text (parsed, narrowed to the
// window, matrix runs resolved to their devices from the analyst's run rows), then driftFor or driftSeries.
import { parseDriftSelection, withinWindow, type DriftSelectionSpec } from '../../config/odd/drift-spec.js';
import type { Taxonomy } from '../../config/odd-config.js';
import { driftFor, driftSeries, matrixIdsOf, type DriftForReport, type DriftSeries } from '../analytics/index.js';
import type { HubStore } from '../store/index.js';

export interface DriftQuery {
  /** Selection text (config/odd/drift-spec.ts); default the taxonomy's drift.baseline (source:simulation). */
  baseline?: string;
  /** Default the taxonomy's drift.current (source:field); narrowed to [sinceMs, untilMs). */
  current?: string;
  deviceId?: string;
  sinceMs?: number;
  untilMs?: number;
}

export interface DriftSeriesQuery extends DriftQuery {
  features?: string[];
  bucketMs?: number;
}

async function selections(store: HubStore, taxonomy: Taxonomy, q: DriftQuery) {
  const baseline = q.baseline !== undefined ? parseDriftSelection(q.baseline, 'baseline') : taxonomy.drift.baseline;
  const current: DriftSelectionSpec = withinWindow(q.current !== undefined ? parseDriftSelection(q.current, 'current') : taxonomy.drift.current, q.sinceMs, q.untilMs);
  const matrixDevices = new Map<string, Set<string>>();
  for (const id of matrixIdsOf(baseline, current)) {
    matrixDevices.set(id, new Set((await store.analytics().runs(taxonomy.fingerprint, { matrixId: id })).map((r) => r.deviceId)));
  }
  return { baseline, current, options: { matrixDevices } };
}

export async function driftReportFor(store: HubStore, taxonomy: Taxonomy, q: DriftQuery = {}): Promise<DriftForReport> {
  const s = await selections(store, taxonomy, q);
  const r = driftFor(taxonomy, await store.analytics().histogramRows(taxonomy.fingerprint), s.baseline, s.current, s.options);
  if (q.deviceId !== undefined) r.devices = r.devices.filter((d) => d.device === q.deviceId);
  return r;
}

export async function driftSeriesFor(store: HubStore, taxonomy: Taxonomy, q: DriftSeriesQuery = {}): Promise<DriftSeries> {
  const s = await selections(store, taxonomy, q);
  return driftSeries(taxonomy, await store.analytics().histogramRows(taxonomy.fingerprint), s.baseline, s.current, {
    ...s.options, device: q.deviceId, features: q.features, bucketMs: q.bucketMs,
  });
}
