// agent/sources/local-api: how an autonomy stack on the same computer feeds the agent. A Unix socket
// (newline-delimited JSON or length-prefixed protobuf) and optional loopback UDP; see docs/local-api.md.
export { createLocalApiSource, type LocalApiSource } from './local-api-source.js';
export {
  PROTOCOL_VERSION, MESSAGE_TYPES, KIND_TAGS, ERROR_CODES, ApiError,
  type MessageType, type ErrorCode, type RequestId, type ApiRequest, type ApiReply, type OkReply,
  type CaptureReply, type EvaluateReply, type PingReply, type ErrorReply,
} from './protocol.js';
export { requestFromJson, requestFromFrame, type Parsed } from './requests.js';
export { LineSplitter, type LineEvent } from './json-lines.js';
export { FrameSplitter, encodeFrame, type FrameEvent } from './frames.js';
export { dispatch } from './dispatch.js';
