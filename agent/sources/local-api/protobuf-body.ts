// Decodes a body sent as protobuf bytes into the same JSON a JSON client would send, so both framings
// share one validation path (bodyFromJson). Fields this agent's schema lacks are refused, never dropped.
import { schema } from '../../../proto/index.js';
import { ApiError } from './protocol.js';
import { findUnknownField } from './unknown-fields.js';

export type ProtobufKind = 'conditions' | 'decision' | 'handover' | 'marker';

interface MessageType {
  decode(bytes: Uint8Array): object;
  toObject(message: never, options: object): Record<string, unknown>;
}

const TYPES: Record<ProtobufKind, { name: string; type: MessageType }> = {
  conditions: { name: 'Conditions', type: schema.Conditions as unknown as MessageType },
  decision: { name: 'Decision', type: schema.Decision as unknown as MessageType },
  handover: { name: 'Handover', type: schema.Handover as unknown as MessageType },
  marker: { name: 'Marker', type: schema.Marker as unknown as MessageType },
};

/** The message as JSON: enums by name, 64-bit integers as decimal strings, bytes as base64. */
export function bodyJsonFromProtobuf(kind: ProtobufKind, bytes: Uint8Array): Record<string, unknown> {
  const { name, type } = TYPES[kind];
  let message: object;
  try {
    message = type.decode(bytes);
  } catch (err) {
    throw new ApiError('INVALID', `${kind}: malformed protobuf (${(err as Error).message}): the bytes after the kind byte must be one encoded fieldproof.v1.${name}`);
  }
  const unknown = findUnknownField(type, bytes);
  if (unknown) {
    const where = unknown.path ? ` in "${unknown.path}"` : '';
    throw new ApiError('INVALID', `${kind}: unknown field number ${unknown.field} (wire type ${unknown.wireType})${where}: not in this agent's fieldproof.v1.${name}; was the sender built from another fieldproof.proto?`);
  }
  return type.toObject(message as never, { enums: String, longs: String, bytes: String });
}
