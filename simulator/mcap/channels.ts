// Which MCAP channel each record goes to (/fieldproof/<device>/conditions, .../decisions, ...), with its
// schema name and JSON Schema, and the message a record becomes (recordToJson as UTF-8 JSON). Pure.
import { recordToJson, type BodyKind, type RecordMessage } from '../../proto/index.js';
import { recordSchema, type JsonSchema } from './json-schemas.js';

export const CHANNEL_OF: Record<BodyKind, string> = {
  boot: 'boots', conditions: 'conditions', handover: 'handovers', decision: 'decisions',
  health: 'health', marker: 'markers', gap: 'gaps', keyRotation: 'key_rotations', fork: 'forks',
};

const TYPE_NAME: Record<BodyKind, string> = {
  boot: 'Boot', conditions: 'Conditions', handover: 'Handover', decision: 'Decision',
  health: 'Health', marker: 'Marker', gap: 'Gap', keyRotation: 'KeyRotation', fork: 'Fork',
};

export interface ChannelSpec {
  kind: BodyKind;
  topic: string;
  schemaName: string;
  schema: JsonSchema;
}

export function channelSpec(deviceId: string, kind: BodyKind): ChannelSpec {
  const schemaName = `fieldproof.v1.${TYPE_NAME[kind]}Record`;
  return { kind, topic: `/fieldproof/${deviceId}/${CHANNEL_OF[kind]}`, schemaName, schema: recordSchema(kind, schemaName) };
}

const utf8 = new TextEncoder();

/** A record as an MCAP message payload: the JSON the channel's schema describes. */
export function messageData(record: RecordMessage): Uint8Array {
  return utf8.encode(JSON.stringify(recordToJson(record)));
}
