// Routes one request to the handler of its message kind: one switch, one small handler per kind
// (handlers/<type>.ts). Handlers check the body (bodyOf), then call ctx.capture or ctx.evaluate.
import type { SourceContext } from '../source.js';
import { handleConditions } from './handlers/conditions.js';
import { handleDecision } from './handlers/decision.js';
import { handleEvaluate } from './handlers/evaluate.js';
import { handleHandover } from './handlers/handover.js';
import { handleMarker } from './handlers/marker.js';
import { handlePing } from './handlers/ping.js';
import type { ApiRequest, OkReply } from './protocol.js';

/** Resolves with the reply; rejects with an ApiError (or an outbox error) to report. */
export async function dispatch(request: ApiRequest, ctx: SourceContext): Promise<OkReply> {
  switch (request.type) {
    case 'conditions': return handleConditions(request, ctx);
    case 'decision': return handleDecision(request, ctx);
    case 'handover': return handleHandover(request, ctx);
    case 'marker': return handleMarker(request, ctx);
    case 'evaluate': return handleEvaluate(request, ctx);
    case 'ping': return handlePing(request, ctx);
  }
}
