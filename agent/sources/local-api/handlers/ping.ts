// ping: a liveness check that records nothing; replies with the agent's device id and the protocol
// version, so a stack can check it feeds the vehicle it thinks it does.
import type { SourceContext } from '../../source.js';
import { PROTOCOL_VERSION, type ApiRequest, type PingReply } from '../protocol.js';
import { noBody } from './no-body.js';

export async function handlePing(request: ApiRequest, ctx: SourceContext): Promise<PingReply> {
  noBody('ping', request.body);
  return { id: request.id, ok: true, device_id: ctx.deviceId, protocol: PROTOCOL_VERSION };
}
