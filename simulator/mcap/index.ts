// simulator/mcap: MCAP export of a mission for Foxglove (JSON channels with JSON Schemas per record kind).
// The only folder that touches @mcap/core (in mcap-file.ts).
export { exportMcap, formatMcapSummary, METADATA_NAME, type McapExportSummary } from './export-mcap.js';
export { channelSpec, messageData, CHANNEL_OF, type ChannelSpec } from './channels.js';
export { recordSchema, ENUMS, type JsonSchema } from './json-schemas.js';
