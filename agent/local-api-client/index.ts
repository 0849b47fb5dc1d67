// agent/local-api-client: a small typed Node client for the agent's local API, for stacks written in
// Node/TypeScript and for tests. Other languages speak the wire format in docs/local-api.md.
export { LocalApiClient, LocalApiError, type ConnectOptions } from './client.js';
export type { CaptureReply, EvaluateReply, PingReply, ErrorCode } from '../sources/local-api/index.js';
export type { Conditions, Decision, Handover, Marker } from '../../proto/index.js';
