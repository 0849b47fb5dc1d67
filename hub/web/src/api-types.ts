// The JSON shapes the page reads, taken from the hub's own report types (type-only imports, erased by the
// bundler), so the page and the API cannot drift apart unnoticed: `npm run typecheck` covers both.
export type { CoverageReport } from '../../analytics/coverage-report.js';
export type { DriftReport } from '../../analytics/drift-report.js';
export type { DriftResult } from '../../analytics/drift.js';
export type {
  CoverageGrid, DecisionLog, DecisionLogRow, DeviceReportRow, HandoverDetail, HandoverLog, HandoverLogRow, RecordPage, RecordView, Summary,
} from '../../reports/index.js';
