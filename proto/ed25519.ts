// Ed25519 signing and verification: the one file that touches node:crypto's Ed25519 and @noble/ed25519.
// node:crypto where it exists (about 10x faster); @noble/ed25519 elsewhere (the browser verifier); one rule set.
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

/**
 * True only for a valid signature; malformed keys or signatures verify false, never throw. Both backends judge
 * by the same rules, so a packet the browser accepts is one the hub accepts (test/vectors/ed25519-edge-cases.json):
 * RFC 8032 5.1.7 with strict decoding (A and R canonical, S < L), the cofactorless equation [S]B = R + [k]A that
 * node:crypto (OpenSSL) checks, and no small-order public key (which would verify any message with some signature).
 * noble's own verify, even with { zip215: false }, checks the cofactored equation instead: it accepts signatures
 * with a torsion component that OpenSSL rejects, so the noble backend checks the cofactorless equation itself.
 */
export async function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, backend: Backend = defaultBackend): Promise<boolean> {
  if (!wellFormed(signature, publicKey)) return false;
  if (backend === 'node') return verifySync(signature, message, publicKey);
  try {
    return await nobleVerify(signature, message, publicKey);
  } catch {
    return false;
  }
}

export function verifySync(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!wellFormed(signature, publicKey)) return false;
  if (!nodeCrypto) throw new Error('synchronous Ed25519 verification needs node:crypto');
  try {
    return nodeCrypto.verify(null, message, nodePublicKey(publicKey), signature);
  } catch {
    return false;
  }
}

/** The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const L_BYTES = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/**
 * The canonical encodings of the eight points of small order (the torsion subgroup, 0..7 times an order-8
 * point; the test derives them): as a public key, each makes signatures that verify for many messages.
 */
const SMALL_ORDER_KEYS = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000', // identity
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2: (0, -1)
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4
  '0000000000000000000000000000000000000000000000000000000000000080', // order 4
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
]);

/** The checks both backends share: lengths, S < L, canonical A and R, A not of small order. */
function wellFormed(signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) return false;
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== PUBLIC_KEY_BYTES) return false;
  return scalarBelowL(signature.subarray(32)) && canonicalPoint(publicKey) && canonicalPoint(signature.subarray(0, 32))
    && !SMALL_ORDER_KEYS.has(toHexString(publicKey));
}

/** RFC 8032 5.1.7: S must be below L (else S and S + L would both verify: malleable). */
function scalarBelowL(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) if (s[i] !== L_BYTES[i]) return s[i] < L_BYTES[i];
  return false; // S = L
}

/**
 * RFC 8032 5.1.3: y (the low 255 bits) must be below p = 2^255 - 19, and x = 0 (y = 1 or y = p - 1) must not
 * come with the sign bit set. Other encodings name the same point twice, so a signature would have two forms.
 */
function canonicalPoint(bytes: Uint8Array): boolean {
  const top = bytes[31] & 0x7f;
  let high = top === 0x7f;
  for (let i = 30; high && i >= 1; i--) high = bytes[i] === 0xff;
  if (high && bytes[0] >= 0xed) return false; // y >= p
  if (bytes[31] & 0x80) {
    let rest = true;
    for (let i = 1; rest && i <= 30; i++) rest = bytes[i] === 0;
    if (rest && top === 0 && bytes[0] === 0x01) return false; // y = 1, x = 0, sign bit set
    if (high && bytes[0] === 0xec) return false; // y = p - 1, x = 0, sign bit set
  }
  return true;
}

/**
 * The cofactorless check with noble's point arithmetic: encode([S]B - [k]A) must equal R's bytes, k =
 * SHA-512(R || A || M) mod L. Inputs passed wellFormed(); A decodes strictly (noble's non-ZIP-215 decoding).
 */
async function nobleVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  const A = noble.Point.fromBytes(publicKey, false);
  const R = signature.subarray(0, 32);
  const S = littleEndian(signature.subarray(32));
  const hashed = new Uint8Array(64 + message.length);
  hashed.set(R, 0);
  hashed.set(publicKey, 32);
  hashed.set(message, 64);
  const k = littleEndian(await noble.hashes.sha512Async(hashed)) % L;
  const expected = noble.Point.BASE.multiply(S, false).subtract(A.multiply(k, false)).toBytes();
  return expected.every((b, i) => b === R[i]);
}

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

function toHexString(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
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
