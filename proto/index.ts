// proto/: the wire contract. Codec, record hashing, seals, keys and chain verification.
// Imports nothing of ours; everything else builds on it.
export * from './codec.js';
export { findNaN, findUnknownField, findUndefinedEnum, type UndefinedEnum, type UnknownField } from './decoded-checks.js';
export * from './hash.js';
export * from './keys.js';
export * from './seal.js';
export * from './checkpoint.js';
export * from './chain.js';
export * from './verify-chain.js';
export { defaultBackend, publicKeyOf, sign, verify, randomSecretKey, publicKeyToPem, publicKeyFromPem, type Backend } from './ed25519.js';
export { generateDeviceKey, writeKeyFiles, readDeviceKey, readPublicKey } from './key-files.js';
