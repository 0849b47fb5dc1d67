// Decodes and checks a body sent as protobuf bytes: malformed bytes, a field this agent's schema lacks
// (refused, never dropped), an enum number the schema does not define and NaN are INVALID, naming the field.
import { decodeKeepingUnknowns, findNaN, findUndefinedEnum, findUnknownField, schema } from '../../../proto/index.js';
import { ApiError } from './protocol.js';

export type ProtobufKind = 'conditions' | 'decision' | 'handover' | 'marker';

interface MessageType {
  decode(reader: never): object;
}

const TYPES: Record<ProtobufKind, { name: string; type: MessageType }> = {
  conditions: { name: 'Conditions', type: schema.Conditions },
  decision: { name: 'Decision', type: schema.Decision },
  handover: { name: 'Handover', type: schema.Handover },
  marker: { name: 'Marker', type: schema.Marker },
};

/**
 * A body that arrived as protobuf, already checked: the handlers take the decoded message as it is. A JSON
 * body has to go through bodyFromJson; a decoded one does not, since decoding fixed every field's type.
 */
export class DecodedBody {
  constructor(readonly kind: ProtobufKind, readonly message: object) {}
}

export function bodyFromProtobuf(kind: ProtobufKind, bytes: Uint8Array): DecodedBody {
  const { name, type } = TYPES[kind];
  let message: object;
  try {
    message = decodeKeepingUnknowns(type, bytes);
  } catch (err) {
    throw new ApiError('INVALID', `${kind}: malformed protobuf (${(err as Error).message}): the bytes after the kind byte must be one encoded fieldproof.v1.${name}`);
  }
  const unknown = findUnknownField(message);
  if (unknown) {
    const where = unknown.path ? ` in "${unknown.path}"` : '';
    throw new ApiError('INVALID', `${kind}: unknown field number ${unknown.field} (wire type ${unknown.wireType})${where}: not in this agent's fieldproof.v1.${name}, or sent with another wire type; was the sender built from another fieldproof.proto?`);
  }
  const badEnum = findUndefinedEnum(message);
  if (badEnum) throw new ApiError('INVALID', `${kind}: invalid value for "${badEnum.path}": ${badEnum.value} is not a value of its enum`);
  const nan = findNaN(message);
  if (nan) throw new ApiError('INVALID', `${kind}: invalid value for "${nan}": NaN`);
  return new DecodedBody(kind, message);
}
