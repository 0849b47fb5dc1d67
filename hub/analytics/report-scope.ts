// Which devices a report covers (one device, a matrix run's devices, or all) and how far the analyst trails
// ingest over them; shared by the coverage, performance and matrix reports.
import type { Taxonomy } from '../../config/odd-config.js';
import type { AggregateFilter, HubStore } from '../store/index.js';

export interface ReportScope extends AggregateFilter {
  /** Only the devices whose latest Boot named this matrix (by the analyst's run rows). */
  matrixId?: string;
}

/** The filter with a matrix resolved to its devices (an unknown matrix: no devices). */
export async function resolveScope(store: HubStore, taxonomy: Taxonomy, scope: ReportScope): Promise<AggregateFilter> {
  const { matrixId, ...filter } = scope;
  if (matrixId === undefined) return filter;
  const devices = (await store.analytics().runs(taxonomy.fingerprint, { matrixId })).map((r) => r.deviceId);
  const deviceIds = filter.deviceIds ? devices.filter((d) => filter.deviceIds!.includes(d)) : devices;
  return { ...filter, deviceIds };
}

/** Seqs committed but not analysed yet, over the devices the filter covers. */
export async function analysisLag(store: HubStore, taxonomy: Taxonomy, filter: AggregateFilter = {}): Promise<number> {
  const cursors = new Map((await store.analytics().cursors(taxonomy.fingerprint)).map((c) => [c.deviceId, c.seq]));
  return (await store.deviceStates())
    .filter((s) => (filter.deviceId === undefined || s.deviceId === filter.deviceId) && (filter.deviceIds === undefined || filter.deviceIds.includes(s.deviceId)))
    .reduce((sum, s) => sum + Math.max(0, s.contiguousSeq - (cursors.get(s.deviceId) ?? 0)), 0);
}
