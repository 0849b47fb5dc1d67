// marker: a labelled moment from the stack (mission start/end, operator note, internal alert),
// recorded as given.
import type { SourceContext } from '../../source.js';
import type { ApiRequest, CaptureReply } from '../protocol.js';
import { bodyOf, captureReply } from './body.js';

export function handleMarker(request: ApiRequest, ctx: SourceContext): Promise<CaptureReply> {
  return captureReply(request.id, ctx, { marker: bodyOf('marker', request.body) });
}
