// decision: a go/no-go made by the autonomy stack itself. Trigger EXTERNAL unless the stack says
// otherwise; a verdict is required, since a decision without one is no evidence of anything.
import { schema } from '../../../../proto/index.js';
import type { SourceContext } from '../../source.js';
import { ApiError, type ApiRequest, type CaptureReply } from '../protocol.js';
import { bodyOf, captureReply } from './body.js';

export function handleDecision(request: ApiRequest, ctx: SourceContext): Promise<CaptureReply> {
  const decision = bodyOf('decision', request.body);
  if (!decision.verdict) throw new ApiError('INVALID', 'decision: "verdict" is required: "GO" or "NO_GO"');
  if (!decision.trigger) decision.trigger = schema.Decision.Trigger.EXTERNAL;
  return captureReply(request.id, ctx, { decision });
}
