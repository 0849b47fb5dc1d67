// Routes each MQTT message to its handler by topic kind; one switch, one handler per kind.
// `seg` is ingested; `state` (an agent coming online) gets an ack so it resumes at once.
import type { HubStore } from '../store/index.js';
import { handleSegment, type SegmentLimits, type StoredOutcome } from './handle-segment.js';
import { Rejection } from './rejection.js';
import { parseTopic } from './topics.js';

export type RouteOutcome =
  | { kind: 'stored'; outcome: StoredOutcome }
  | { kind: 'online'; deviceId: string }
  | { kind: 'ignored'; reason: string };

export async function route(store: HubStore, limits: SegmentLimits, topic: string, payload: Uint8Array, receivedMs: number): Promise<RouteOutcome> {
  const parsed = parseTopic(topic);
  if (!parsed) throw new Rejection('BAD_TOPIC', `topic "${topic}" is not fp/v1/<device>/<seg|state>`);
  switch (parsed.kind) {
    case 'seg':
      return { kind: 'stored', outcome: await handleSegment(store, limits, parsed.deviceId, payload, receivedMs) };
    case 'state':
      return Buffer.from(payload).toString('utf8') === 'online'
        ? { kind: 'online', deviceId: parsed.deviceId }
        : { kind: 'ignored', reason: 'device offline' };
    case 'ack':
      return { kind: 'ignored', reason: 'acks are the hub\'s own' };
  }
}
