// The MQTT topic scheme, fp/v1/<device>/{seg,ack,state}, parsed and built in one place.
// Pure.
export const TOPIC_ROOT = 'fp/v1';

export type TopicKind = 'seg' | 'ack' | 'state';

export function segTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/seg`;
}
export function ackTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/ack`;
}
export function stateTopic(deviceId: string): string {
  return `${TOPIC_ROOT}/${deviceId}/state`;
}

/** The subscription filter for a kind, optionally as an MQTT shared subscription. */
export function subscription(kind: TopicKind, sharedGroup = ''): string {
  const filter = `${TOPIC_ROOT}/+/${kind}`;
  return sharedGroup ? `$share/${sharedGroup}/${filter}` : filter;
}

export function parseTopic(topic: string): { deviceId: string; kind: TopicKind } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT || !parts[2]) return undefined;
  const kind = parts[3];
  if (kind !== 'seg' && kind !== 'ack' && kind !== 'state') return undefined;
  return { deviceId: parts[2], kind };
}
