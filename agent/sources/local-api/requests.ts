// Turns one JSON line or one protobuf frame into an ApiRequest, or into the error to reply with (pure).
// A JSON body stays untrusted here, for its handler to check; a protobuf body is decoded and checked here.
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { bodyFromProtobuf } from './protobuf-body.js';
import { ApiError, asApiError, KIND_TAGS, MESSAGE_TYPES, type ApiRequest, type MessageType, type RequestId } from './protocol.js';

/** A request ready to dispatch, or a reply-worthy failure with whatever id could be read. */
export type Parsed = { request: ApiRequest } | { id: RequestId; error: ApiError };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const TYPE_LIST = `${MESSAGE_TYPES.slice(0, -1).join(', ')} or ${MESSAGE_TYPES[MESSAGE_TYPES.length - 1]}`;
const TAG_LIST = Object.entries(KIND_TAGS).map(([tag, type]) => `${tag} ${type}`).join(', ');
const ENVELOPE_KEYS = new Set(['type', 'id', 'body']);

export function requestFromJson(bytes: Uint8Array): Parsed {
  if (nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
    return fail(null, 'INVALID', `JSON nested more than ${MAX_JSON_DEPTH} levels deep: refused unparsed (no fieldproof message nests more than 5)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    const why = err instanceof TypeError ? 'not valid UTF-8' : (err as Error).message;
    return fail(null, 'BAD_JSON', `not valid JSON (${why}): send one JSON object per line, e.g. {"type":"ping"}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail(null, 'INVALID', `expected a JSON object like {"type":"conditions","id":1,"body":{...}}, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  const message = value as Record<string, unknown>;
  const id = message.id ?? null;
  if (typeof id !== 'string' && typeof id !== 'number' && id !== null) {
    return fail(null, 'INVALID', `"id" must be a string or a number, got ${JSON.stringify(id)}`);
  }
  const stray = Object.keys(message).find((key) => !ENVELOPE_KEYS.has(key));
  if (stray !== undefined) return fail(id, 'INVALID', `unknown key "${stray}": a message has "type", "id" and "body" (record fields go inside "body")`);
  const type = message.type;
  if (typeof type !== 'string') return fail(id, 'INVALID', `missing "type": expected ${TYPE_LIST}`);
  if (!(MESSAGE_TYPES as readonly string[]).includes(type)) return fail(id, 'UNKNOWN_TYPE', `unknown message type "${type}": expected ${TYPE_LIST}`);
  return { request: { type: type as MessageType, id, body: message.body } };
}

/** A frame's payload: one kind byte, then the message's protobuf bytes. `ordinal` becomes the reply id. */
export function requestFromFrame(payload: Uint8Array, ordinal: number): Parsed {
  if (payload.length === 0) return fail(ordinal, 'INVALID', `empty frame: expected a kind byte (${TAG_LIST}) and the message bytes`);
  const type = KIND_TAGS[payload[0]];
  if (type === undefined) return fail(ordinal, 'UNKNOWN_TYPE', `unknown kind byte ${payload[0]}: expected ${TAG_LIST}`);
  const bytes = payload.subarray(1);
  if (type === 'evaluate' || type === 'ping') {
    if (bytes.length > 0) return fail(ordinal, 'INVALID', `${type}: takes no message, but ${bytes.length} bytes follow the kind byte`);
    return { request: { type, id: ordinal, body: undefined } };
  }
  try {
    return { request: { type, id: ordinal, body: bodyFromProtobuf(type, bytes) } };
  } catch (err) {
    return { id: ordinal, error: asApiError(err) };
  }
}

function fail(id: RequestId, code: ApiError['code'], message: string): Parsed {
  return { id, error: new ApiError(code, message) };
}
