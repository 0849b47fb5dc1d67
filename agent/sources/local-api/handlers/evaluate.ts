// evaluate: runs the agent's go/no-go criteria now and records the Decision; replies with the verdict,
// the failing criteria and, on a go -> no-go change, the seq of the takeover request.
import type { SourceContext } from '../../source.js';
import { ApiError, type ApiRequest, type EvaluateReply } from '../protocol.js';
import { noBody } from './no-body.js';

export async function handleEvaluate(request: ApiRequest, ctx: SourceContext): Promise<EvaluateReply> {
  noBody('evaluate', request.body);
  const result = await ctx.evaluate();
  if (!result) throw new ApiError('INVALID', 'evaluate: this agent has no go/no-go criteria configured; add a `criteria:` block to its config');
  const reply: EvaluateReply = { id: request.id, ok: true, seq: result.seq, verdict: result.verdict, failing: result.failing };
  if (result.handoverSeq !== undefined) reply.handover_seq = result.handoverSeq;
  return reply;
}
