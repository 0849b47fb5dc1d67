// The local API's wire vocabulary: message types, protobuf kind tags, reply shapes and error codes.
// Shared by the server and the typed client (as types); the full format is in docs/local-api.md.

/** Bumped when a reply or request changes incompatibly; ping replies carry it. */
export const PROTOCOL_VERSION = 1;

export const MESSAGE_TYPES = ['conditions', 'decision', 'handover', 'marker', 'evaluate', 'ping'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Byte 0 of a protobuf frame's payload: which message the rest of the payload holds. 0 is reserved. */
export const KIND_TAGS: Record<number, MessageType> = { 1: 'conditions', 2: 'decision', 3: 'handover', 4: 'marker', 5: 'evaluate', 6: 'ping' };

export const ERROR_CODES = ['INVALID', 'TOO_LARGE', 'UNKNOWN_TYPE', 'BAD_JSON', 'OUTBOX_FULL', 'DISK_FULL', 'INTERNAL'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A client's correlation id, echoed in the reply; protobuf requests get their 1-based ordinal on the connection. */
export type RequestId = string | number | null;

/** One request, whatever its framing: `body` is untrusted JSON for the handler to check, or a checked DecodedBody. */
export interface ApiRequest {
  type: MessageType;
  id: RequestId;
  body: unknown;
}

export interface CaptureReply {
  id: RequestId;
  ok: true;
  /** The record's seq, once committed to the outbox. */
  seq?: number;
  /** Set instead of seq when a thinned conditions sample was kept in the boundary window only. */
  kept_in_window?: true;
}

export interface EvaluateReply {
  id: RequestId;
  ok: true;
  seq: number;
  verdict: 'go' | 'no-go';
  failing: string[];
  /** The takeover request recorded on a go -> no-go change. */
  handover_seq?: number;
}

export interface PingReply {
  id: RequestId;
  ok: true;
  device_id: string;
  protocol: number;
}

export interface ErrorReply {
  id: RequestId;
  ok: false;
  error: { code: ErrorCode; message: string; retryable: boolean };
}

export type ApiReply = CaptureReply | EvaluateReply | PingReply | ErrorReply;
export type OkReply = CaptureReply | EvaluateReply | PingReply;

/** A refused request: permanent unless `retryable` (OUTBOX_FULL, DISK_FULL, some INTERNAL). */
export class ApiError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly retryable = false) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorReply(id: RequestId, err: ApiError): ErrorReply {
  return { id, ok: false, error: { code: err.code, message: err.message, retryable: err.retryable } };
}

/** Any failure as an ApiError: outbox errors keep OUTBOX_FULL and DISK_FULL, everything unexpected is INTERNAL. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const retryable = (err as { retryable?: unknown } | null)?.retryable === true;
  if (code === 'OUTBOX_FULL' || code === 'DISK_FULL') return new ApiError(code, message, true);
  return new ApiError('INTERNAL', message, retryable);
}
