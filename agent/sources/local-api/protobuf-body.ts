// Decodes and checks a body sent as protobuf bytes: malformed bytes, a field this agent's schema lacks
// (refused, never dropped), an enum number the schema does not define, NaN, Infinity and numbers outside
// their field's range (proto/field-ranges.ts) are INVALID, naming the field.
import { decodeKeepingUnknowns, findNaN, findOutOfRange, findUndefinedEnum, findUnknownField, schema } from '../../../proto/index.js';
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
  refuseOutOfRange(kind, message);
  return new DecodedBody(kind, message);
}

/**
 * INVALID naming the first number its field cannot hold (Infinity, beyond float32, a fraction above 1, negative
 * lux...), for a decoded body and for one built from JSON alike: a go/no-go criterion must never pass on it.
 */
export function refuseOutOfRange(kind: string, message: object): void {
  const bad = findOutOfRange(message);
  if (bad) throw new ApiError('INVALID', `${kind}: ${bad.path}: ${bad.problem}`);
}
