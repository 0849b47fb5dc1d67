// hub/export: evidence packets from the hub's store (docs/evidence-format.md); proto/packet verifies them.
export { exportPacket, packetTaxonomy, type ExportOptions, type ExportProgress, type ExportSummary } from './export-packet.js';
export { megabytes, ProgressLine } from './progress.js';
export { planExport, ScopeError, type DevicePlan, type ExportScope } from './scope.js';
