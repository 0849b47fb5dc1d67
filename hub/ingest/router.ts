// Routes each MQTT message to its handler by topic kind; one switch, one handler per kind.
// `seg` is verified and returned ready to commit (the hub commits a batch at once); `state` online earns an ack; both
// states feed the presence the reviewer page shows (display only: the state topic is unsigned and trusts nothing).
import type { HubStore, SegmentToStore } from '../store/index.js';
import { prepareSegment, type SegmentLimits } from './handle-segment.js';
import { Rejection } from './rejection.js';
import { parseTopic } from './topics.js';

export type RouteOutcome =
  | { kind: 'segment'; segment: SegmentToStore }
  | { kind: 'online'; deviceId: string }
  | { kind: 'offline'; deviceId: string }
  | { kind: 'ignored'; reason: string };

export async function route(store: HubStore, limits: SegmentLimits, topic: string, payload: Uint8Array, receivedMs: number): Promise<RouteOutcome> {
  const parsed = parseTopic(topic);
  if (!parsed) throw new Rejection('BAD_TOPIC', `topic "${topic}" is not fp/v1/<device>/<seg|state>`);
  switch (parsed.kind) {
    case 'seg':
      return { kind: 'segment', segment: await prepareSegment(store, limits, parsed.deviceId, payload, receivedMs) };
    case 'state':
      return Buffer.from(payload).toString('utf8') === 'online'
        ? { kind: 'online', deviceId: parsed.deviceId }
        : { kind: 'offline', deviceId: parsed.deviceId };
    case 'ack':
      return { kind: 'ignored', reason: 'acks are the hub\'s own' };
  }
}
