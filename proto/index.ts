// proto/: the wire contract. Codec, record hashing, seals, checkpoints, keys and chain verification.
// Imports nothing of ours and loads in a browser; key files on disk are in proto/node.ts.
export * from './codec.js';
export { findNaN, findOutOfRange, findUnknownField, findUndefinedEnum, type OutOfRange, type UndefinedEnum, type UnknownField } from './decoded-checks.js';
export { FIELD_RANGES, FLOAT32_MAX, rangeOf, rangeProblem, type FieldRange } from './field-ranges.js';
export * from './hash.js';
export * from './keys.js';
export * from './seal.js';
export * from './checkpoint.js';
export * from './chain.js';
export * from './verify-chain.js';
export { CONDITIONS_FIELDS, type ConditionsField, type FieldKind } from './conditions-fields.js';
export * from './odd-classify.js';
export { defaultBackend, publicKeyOf, sign, verify, randomSecretKey, publicKeyToPem, publicKeyFromPem, type Backend } from './ed25519.js';
