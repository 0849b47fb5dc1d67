// The JSON shapes the page reads, taken from the hub's own report types (type-only imports, erased by the
// bundler), so the page and the API cannot drift apart unnoticed: `npm run typecheck` covers both.
export type { CoverageReport } from '../../analytics/coverage-report.js';
export type { DriftForReport } from '../../analytics/drift-baseline.js';
export type { DriftResult } from '../../analytics/drift.js';
export type { DriftSeries } from '../../analytics/drift-series.js';
export type { MatrixReport } from '../../analytics/matrix-report.js';
export type {
  CoverageGrid, DecisionLog, DecisionLogRow, DeviceReportRow, HandoverDetail, HandoverLog, HandoverLogRow, RecordPage, RecordView, Summary,
} from '../../reports/index.js';
