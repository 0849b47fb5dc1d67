// handover: a transfer of control, one message per phase (REQUESTED, then ACCEPTED, REJECTED or
// TIMED_OUT), linked by handover_id. The phase is required: it is what the timeline is built from.
import type { SourceContext } from '../../source.js';
import { ApiError, type ApiRequest, type CaptureReply } from '../protocol.js';
import { bodyOf, captureReply } from './body.js';

export function handleHandover(request: ApiRequest, ctx: SourceContext): Promise<CaptureReply> {
  const handover = bodyOf('handover', request.body);
  if (!handover.phase) throw new ApiError('INVALID', 'handover: "phase" is required: "REQUESTED", "ACCEPTED", "REJECTED" or "TIMED_OUT"');
  return captureReply(request.id, ctx, { handover });
}
