// conditions: what the stack's sensors experienced. May be thinned into the boundary window only
// (boundary.record_interval_ms), which the reply says with kept_in_window instead of a seq.
import type { SourceContext } from '../../source.js';
import type { ApiRequest, CaptureReply } from '../protocol.js';
import { bodyOf, captureReply } from './body.js';

/** source_id when the stack does not name itself. */
export const DEFAULT_SOURCE_ID = 'api';

export function handleConditions(request: ApiRequest, ctx: SourceContext): Promise<CaptureReply> {
  const conditions = bodyOf('conditions', request.body);
  if (!conditions.sourceId) conditions.sourceId = DEFAULT_SOURCE_ID;
  return captureReply(request.id, ctx, { conditions }, { mayThin: true });
}
