// What every capturing handler shares: the body checked against the schema and the field ranges, and the
// capture reply. Schema and range errors become INVALID naming the field; outbox errors keep their code.
import { bodyFromJson, type Body, type BodyKind } from '../../../../proto/index.js';
import type { CaptureOptions } from '../../../decisions/pipeline.js';
import type { SourceContext } from '../../source.js';
import { DecodedBody, refuseOutOfRange } from '../protobuf-body.js';
import { ApiError, type CaptureReply, type RequestId } from '../protocol.js';

/** The request body as a record body of `kind` (a protobuf one was checked when decoded), or INVALID with the field at fault. */
export function bodyOf<K extends BodyKind>(kind: K, json: unknown): Extract<Body, Record<K, unknown>>[K] {
  if (json instanceof DecodedBody) {
    if (json.kind !== kind) throw new ApiError('INVALID', `expected a ${kind} body, got ${json.kind}`);
    return json.message as Extract<Body, Record<K, unknown>>[K];
  }
  if (json === undefined || json === null) throw new ApiError('INVALID', `${kind}: "body" is required: a JSON object with the ${kind} fields`);
  let message: Extract<Body, Record<K, unknown>>[K];
  try {
    message = (bodyFromJson(kind, json) as Record<K, unknown>)[kind] as Extract<Body, Record<K, unknown>>[K];
  } catch (err) {
    throw new ApiError('INVALID', (err as Error).message);
  }
  refuseOutOfRange(kind, message as object);
  return message;
}

export async function captureReply(id: RequestId, ctx: SourceContext, body: Body, options?: CaptureOptions): Promise<CaptureReply> {
  const appended = await ctx.capture(body, options);
  return appended ? { id, ok: true, seq: appended.seq } : { id, ok: true, kept_in_window: true };
}
