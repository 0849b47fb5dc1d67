// hub/store: the store contract and how to open one from the hub config.
// SQLite (one file, the default) or PostgreSQL (several hubs sharing a fleet), behind the same contract.
import type { HubConfig } from '../../config/index.js';
import { openSqliteStore } from './sqlite/open-sqlite.js';
import type { HubStore } from './store.js';

export * from './store.js';
export type { AnalystBatch, AnalystCursor, AnalyticsStore, AggregateFilter, CellAggregateRow, DecisionRow, HandoverRow, HistogramBinRow } from './analytics-store.js';
export type { PerformanceRow, PerformanceTotal, RunFilter, RunRow } from './analytics-store.js';
export { CONFIDENCE_BINS } from './analytics-performance-rows.js';
export type { DriftEventFilter, DriftEventRow, NewDriftEvent } from './drift-events.js';
export { mergeRanges } from './kysely-store.js';

export async function openStore(config: HubConfig['store']): Promise<HubStore> {
  if (config.driver === 'sqlite') return openSqliteStore(config.path);
  // loaded only when asked for: a SQLite hub never loads pg
  const { openPostgresStore } = await import('./postgres/open-postgres.js');
  return openPostgresStore(config.url!);
}
