// hub/: MQTT ingest, verification, the store, the device registry, and the hub process.
// Imports only proto/ and config/; agents are reached over the wire, never imported.
export { Hub, type HubCounters, type HubStartOptions } from './hub.js';
export { openStore, type HubStore, type DeviceState, type DeviceRow, type RejectionRow, type SeqRange } from './store/index.js';
export { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded-broker.js';
export * from './ingest/index.js';
export { createLogger } from './observability.js';
export { verifyStoredChain } from './verify-stored.js';
export { Analyst, type AnalystOptions } from './analytics/analyst.js';
export { coverageReport, coverageReportOf, type CoverageReport } from './analytics/coverage-report.js';
export { driftReport, type DriftReport, type DriftSelection } from './analytics/drift-report.js';
export { performanceReport, type PerformanceReport, type PerformanceReportOptions } from './analytics/performance-report.js';
export { matrixReport, type MatrixReport, type MatrixReportOptions } from './analytics/matrix-report.js';
export type { CoverageReportOptions } from './analytics/coverage-report.js';
export type { ReportScope } from './analytics/report-scope.js';
export {
  driftFor, driftSeries, parseDriftSelection, withinWindow, parseBucket, matrixIdsOf, DriftSpecError, DEFAULT_BASELINE, DEFAULT_CURRENT, FLEET,
  type DriftForReport, type DriftSeries, type DriftSelectionSpec, type SelectionInfo, type SeriesOptions,
} from './analytics/index.js';
export { DriftWatch, type DriftWatchOptions } from './analytics/drift-watch.js';
export * from './reports/index.js';
export * from './http/index.js';
