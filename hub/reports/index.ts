// hub/reports/: the reports `fieldproof report` prints and the HTTP API serves, one function each,
// read from the store's aggregates and logs. Formatting for terminals stays in bin/; JSON shapes live here.
export { coverageGrid, GridError, type CoverageGrid } from './coverage-grid.js';
export { decisionLog, decisionLogOf, type CriterionResult, type DecisionFilter, type DecisionLog, type DecisionLogRow } from './decision-log.js';
export { driftReportFor, driftSeriesFor, type DriftQuery, type DriftSeriesQuery } from './drift.js';
export { deviceReport, type DeviceReportOptions, type DeviceReportRow, type Presence } from './device-report.js';
export {
  filterHandovers, handoverDetail, handoverLog, withLatency, HANDOVER_WINDOW,
  type HandoverDetail, type HandoverFilter, type HandoverLog, type HandoverLogRow,
} from './handover-log.js';
export { recordsOf, MAX_RECORDS, type RecordPage, type RecordQuery, type RecordView } from './records.js';
export { summaryReport, type Summary, type SummaryOptions } from './summary.js';
