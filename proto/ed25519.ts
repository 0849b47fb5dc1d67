// Ed25519 signing and verification: the one file that touches node:crypto's Ed25519 and @noble/ed25519.
// node:crypto where it exists (about 10x faster); @noble/ed25519 elsewhere (the browser verifier).
import * as noble from '@noble/ed25519';

export const PUBLIC_KEY_BYTES = 32;
export const SECRET_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

// DER prefixes that wrap a raw 32-byte key as PKCS#8 (private) or SPKI (public), RFC 8410.
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

type NodeCrypto = typeof import('node:crypto');
const nodeCrypto: NodeCrypto | undefined = typeof process !== 'undefined' && process.versions?.node
  ? await import('node:crypto')
  : undefined;

export type Backend = 'node' | 'noble';
export const defaultBackend: Backend = nodeCrypto ? 'node' : 'noble';

function expectBytes(value: Uint8Array, length: number, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new Error(`expected ${what} of ${length} bytes, got ${value instanceof Uint8Array ? `length=${value.length}` : typeof value}`);
  }
  return value;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const privateKeyCache = new WeakMap<Uint8Array, import('node:crypto').KeyObject>();
const publicKeyCache = new Map<string, import('node:crypto').KeyObject>();

function nodePrivateKey(secret: Uint8Array) {
  let key = privateKeyCache.get(secret);
  if (!key) {
    key = nodeCrypto!.createPrivateKey({ key: Buffer.from(concat(PKCS8_PREFIX, secret)), format: 'der', type: 'pkcs8' });
    privateKeyCache.set(secret, key);
  }
  return key;
}

function nodePublicKey(publicKey: Uint8Array) {
  const id = Buffer.from(publicKey).toString('hex');
  let key = publicKeyCache.get(id);
  if (!key) {
    key = nodeCrypto!.createPublicKey({ key: Buffer.from(concat(SPKI_PREFIX, publicKey)), format: 'der', type: 'spki' });
    if (publicKeyCache.size > 10_000) publicKeyCache.clear();
    publicKeyCache.set(id, key);
  }
  return key;
}

/** A fresh random 32-byte secret key (the RFC 8032 seed). */
export function randomSecretKey(): Uint8Array {
  return noble.utils.randomSecretKey();
}

export async function publicKeyOf(secret: Uint8Array, backend: Backend = defaultBackend): Promise<Uint8Array> {
  expectBytes(secret, SECRET_KEY_BYTES, 'Ed25519 secret key');
  if (backend === 'node') {
    const der = nodeCrypto!.createPublicKey(nodePrivateKey(secret)).export({ format: 'der', type: 'spki' });
    return new Uint8Array(der.subarray(der.length - PUBLIC_KEY_BYTES));
  }
  return noble.getPublicKeyAsync(secret);
}

export async function sign(message: Uint8Array, secret: Uint8Array, backend: Backend = defaultBackend): Promise<Uint8Array> {
  expectBytes(secret, SECRET_KEY_BYTES, 'Ed25519 secret key');
  if (backend === 'node') return new Uint8Array(nodeCrypto!.sign(null, message, nodePrivateKey(secret)));
  return noble.signAsync(message, secret);
}

/** Synchronous signing, node:crypto only: lets the outbox seal inside its write transaction. */
export function signSync(message: Uint8Array, secret: Uint8Array): Uint8Array {
  expectBytes(secret, SECRET_KEY_BYTES, 'Ed25519 secret key');
  if (!nodeCrypto) throw new Error('synchronous Ed25519 signing needs node:crypto');
  return new Uint8Array(nodeCrypto.sign(null, message, nodePrivateKey(secret)));
}

/** True only for a valid signature; malformed keys or signatures verify false, never throw. */
export async function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, backend: Backend = defaultBackend): Promise<boolean> {
  if (signature?.length !== SIGNATURE_BYTES || publicKey?.length !== PUBLIC_KEY_BYTES) return false;
  if (backend === 'node') return verifySync(signature, message, publicKey);
  try {
    return await noble.verifyAsync(signature, message, publicKey);
  } catch {
    return false;
  }
}

export function verifySync(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature?.length !== SIGNATURE_BYTES || publicKey?.length !== PUBLIC_KEY_BYTES) return false;
  if (!nodeCrypto) throw new Error('synchronous Ed25519 verification needs node:crypto');
  try {
    return nodeCrypto.verify(null, message, nodePublicKey(publicKey), signature);
  } catch {
    return false;
  }
}

/** Raw key <-> PEM, so key files interoperate with openssl (`openssl pkey -in device.key -text`). */
export function secretKeyToPem(secret: Uint8Array): string {
  return derToPem(concat(PKCS8_PREFIX, expectBytes(secret, SECRET_KEY_BYTES, 'Ed25519 secret key')), 'PRIVATE KEY');
}

export function publicKeyToPem(publicKey: Uint8Array): string {
  return derToPem(concat(SPKI_PREFIX, expectBytes(publicKey, PUBLIC_KEY_BYTES, 'Ed25519 public key')), 'PUBLIC KEY');
}

export function secretKeyFromPem(pem: string): Uint8Array {
  return rawFromPem(pem, 'PRIVATE KEY', PKCS8_PREFIX);
}

export function publicKeyFromPem(pem: string): Uint8Array {
  return rawFromPem(pem, 'PUBLIC KEY', SPKI_PREFIX);
}

function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

function rawFromPem(pem: string, label: string, prefix: Uint8Array): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(pem);
  if (!match) throw new Error(`expected a PEM "${label}" block`);
  const der = new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
  const ok = der.length === prefix.length + 32 && prefix.every((b, i) => der[i] === b);
  if (!ok) throw new Error(`expected an Ed25519 ${label.toLowerCase()} (RFC 8410), got ${der.length} bytes of something else`);
  return der.subarray(prefix.length);
}
