// Derives test/vectors/ed25519-edge-cases.json: Ed25519 signatures at the edges where implementations disagree
// (small-order and mixed-order points, non-canonical encodings, S >= L). Run: npx tsx test/vectors/make-ed25519-edge-cases.ts
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as noble from '@noble/ed25519';

const { Point } = noble;
const B = Point.BASE;
const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const sha512 = (...parts: Uint8Array[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const le = (b: Uint8Array) => b.reduceRight((n, byte) => (n << 8n) | BigInt(byte), 0n);
const le32 = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const scalar = (label: string) => le(sha512(Buffer.from(label))) % L;
const kOf = (R: Uint8Array, A: Uint8Array, M: Uint8Array) => le(sha512(R, A, M)) % L;
const sig = (R: Uint8Array, S: bigint) => Uint8Array.from([...R, ...le32(S)]);
const message = (label: string, i: number) => sha512(Buffer.from(`${label} #${i}`)).subarray(0, 32);

/** An order-8 point: [L]Q for the first point Q decoded from a hash that is not of order 1, 2 or 4. */
function orderEight(): InstanceType<typeof Point> {
  for (let i = 0; ; i++) {
    const y = sha512(Buffer.from(`torsion ${i}`)).subarray(0, 32);
    y[31] &= 0x7f;
    let Q;
    try {
      Q = Point.fromBytes(y, false);
    } catch {
      continue;
    }
    const T = Q.multiply(L - 1n, false).add(Q);
    if (!T.multiply(4n, false).is0()) return T;
  }
}
const T8 = orderEight();
const small = (j: number) => T8.multiply(BigInt(j), false); // j = 0: the identity

interface Vector {
  name: string;
  publicKey: string;
  message: string;
  signature: string;
  expected: boolean;
  why: string;
  derivation: string;
  compare: string;
}
const vectors: Vector[] = [];
const add = (v: Omit<Vector, 'publicKey' | 'message' | 'signature'>, A: Uint8Array, M: Uint8Array, signature: Uint8Array) =>
  vectors.push({ ...v, publicKey: hex(A), message: hex(M), signature: hex(signature) });

/** The first message (by counter) for which `holds(k)` is true, with its k. */
function search(label: string, R: Uint8Array, A: Uint8Array, holds: (k: bigint) => boolean): { M: Uint8Array; k: bigint } {
  for (let i = 0; ; i++) {
    const M = message(label, i);
    const k = kOf(R, A, M);
    if (holds(k)) return { M, k };
  }
}

const a = scalar('fieldproof edge-case key a');
const r = scalar('fieldproof edge-case nonce r');
const Aprime = B.multiply(a).toBytes();

// 1. control
{
  const M = message('valid', 0);
  const R = B.multiply(r).toBytes();
  add({ name: 'valid signature, prime-order key', expected: true, why: 'an ordinary signature: R = [r]B, S = r + k*a mod L', derivation: 'a = SHA-512("fieldproof edge-case key a") mod L, A = [a]B; r likewise', compare: 'control' },
    Aprime, M, sig(R, (r + kOf(R, Aprime, M) * a) % L));
}

// 2-3. S >= L
{
  const M = message('s-range', 0);
  const R = B.multiply(r).toBytes();
  const S = (r + kOf(R, Aprime, M) * a) % L;
  add({ name: 'S + L (non-canonical S)', expected: false, why: 'RFC 8032 5.1.7: S must be < L; S and S + L would both verify (malleability)', derivation: 'vector 1\'s construction with S replaced by S + L', compare: 'Taming the many EdDSAs (Chalkias, Garillot, Nikolaenko 2020) case 6; Wycheproof EdDSA "s >= L" cases' },
    Aprime, M, sig(R, S + L));
  add({ name: 'S + 15L (S far above L, top bits set)', expected: false, why: 'RFC 8032 5.1.7: S must be < L; a verifier that reduces S mod L would accept it', derivation: 'S replaced by S + 15L (< 2^256)', compare: 'Taming case 7' },
    Aprime, M, sig(R, S + 15n * L));
}

// 4-6. small-order public keys
{
  const A = small(0).toBytes();
  const M = message('identity key', 0);
  const R = B.multiply(r).toBytes();
  add({ name: 'identity public key: R = [r]B, S = r verifies any message under [S]B = R + [k]A', expected: false, why: 'small-order public key: refused (libsodium and noble strict policy); node:crypto alone accepts it', derivation: 'A = identity (01 00..00); R = [r]B; S = r', compare: 'Wycheproof EdDSA "special case public key" (small-order) cases' },
    A, M, sig(R, r));
}
{
  const A = T8.toBytes();
  const R = small(5).toBytes();
  const { M } = search('order-8 key small R', R, A, (k) => (5n + k) % 8n === 0n);
  add({ name: 'order-8 public key, small-order R, S = 0: both equations hold', expected: false, why: 'small-order public key', derivation: 'A = T8 (order 8), R = [5]T8, S = 0; message searched so that R + [k]A = identity', compare: 'Taming case 0 (small A, small R, S = 0)' },
    A, M, sig(R, 0n));
}
{
  const A = T8.toBytes();
  const R = B.multiply(r).add(small(3)).toBytes();
  const { M } = search('order-8 key mixed R', R, A, (k) => (3n + k) % 8n === 0n);
  add({ name: 'order-8 public key, mixed-order R: both equations hold', expected: false, why: 'small-order public key', derivation: 'A = T8, R = [r]B + [3]T8, S = r; message searched so that [3]T8 + [k]T8 = identity', compare: 'Taming case 1 (small A, mixed R)' },
    A, M, sig(R, r));
}

// 7-10. mixed-order keys: the cofactored and cofactorless equations part ways
const Amixed = B.multiply(a).add(T8).toBytes();
{
  const R = small(6).toBytes();
  const { M, k } = search('mixed key small R', R, Amixed, (k) => (6n + k) % 8n === 0n);
  add({ name: 'mixed-order public key, small-order R: both equations hold', expected: true, why: 'RFC 8032 allows it and both equations hold; only the public key is screened for small order (libsodium also refuses small-order R)', derivation: 'A = [a]B + T8, R = [6]T8, S = k*a mod L; message searched so that [6]T8 + [k]T8 = identity', compare: 'Taming case 2 (mixed A, small R)' },
    Amixed, M, sig(R, (k * a) % L));
}
{
  const R = B.multiply(r).add(small(3)).toBytes();
  const { M, k } = search('mixed key mixed R holds', R, Amixed, (k) => (3n + k) % 8n === 0n);
  add({ name: 'mixed-order A and R: both equations hold', expected: true, why: 'the torsion parts cancel, so [S]B = R + [k]A holds exactly', derivation: 'A = [a]B + T8, R = [r]B + [3]T8, S = r + k*a mod L; message searched so that [3]T8 + [k]T8 = identity', compare: 'Taming case 3' },
    Amixed, M, sig(R, (r + k * a) % L));
}
{
  const R = B.multiply(r).add(small(3)).toBytes();
  const { M, k } = search('mixed key mixed R cofactored only', R, Amixed, (k) => (3n + k) % 8n !== 0n);
  add({ name: 'mixed-order A and R: only the cofactored equation holds', expected: false, why: '[S]B = R + [k]A fails by a small-order point; [8][S]B = [8]R + [8][k]A holds. node:crypto checks the former, noble (even with zip215: false) the latter: both backends must refuse', derivation: 'A = [a]B + T8, R = [r]B + [3]T8, S = r + k*a mod L; first message where [3]T8 + [k]T8 is not the identity', compare: 'Taming case 4' },
    Amixed, M, sig(R, (r + k * a) % L));
}
{
  const R = B.multiply(r).toBytes();
  const { M, k } = search('mixed key prime R cofactored only', R, Amixed, (k) => k % 8n !== 0n);
  add({ name: 'mixed-order A, prime-order R: only the cofactored equation holds', expected: false, why: 'as above: the [k]T8 left over is not the identity', derivation: 'A = [a]B + T8, R = [r]B, S = r + k*a mod L; first message where [k]T8 is not the identity', compare: 'Taming case 5' },
    Amixed, M, sig(R, (r + k * a) % L));
}

// 11-12. non-canonical R
{
  const Rbytes = le32(P + 1n); // y = p + 1: the identity, written non-canonically
  const M = message('noncanonical R y+p', 0);
  add({ name: 'non-canonical R: the identity written as y = p + 1', expected: false, why: 'RFC 8032 5.1.3: y >= p fails to decode; a decoder that reduces y and hashes the bytes as sent would accept', derivation: 'R bytes = p + 1 (ee ff .. ff 7f), R = identity; S = k*a mod L with k over those bytes, A = [a]B', compare: 'Taming cases 8 and 9 (non-canonical R); Wycheproof EdDSA non-canonical R' },
    Aprime, M, sig(Rbytes, (kOf(Rbytes, Aprime, M) * a) % L));
}
{
  const Rbytes = le32(1n);
  Rbytes[31] |= 0x80; // x = 0 with the sign bit set
  const M = message('noncanonical R sign', 0);
  add({ name: 'non-canonical R: the identity with the sign bit set (x = 0, x_0 = 1)', expected: false, why: 'RFC 8032 5.1.3: x = 0 with x_0 = 1 fails to decode', derivation: 'R bytes = 01 00 .. 00 80, R = identity; S = k*a mod L, A = [a]B', compare: 'ZIP 215 (a ZIP-215 verifier accepts this encoding)' },
    Aprime, M, sig(Rbytes, (kOf(Rbytes, Aprime, M) * a) % L));
}

// 13-15. non-canonical A (each a small-order point, so only an encoding-blind verifier would look at the equation)
{
  const A = le32(P + 1n); // the identity as y = p + 1
  const M = message('noncanonical A identity', 0);
  const R = B.multiply(r).toBytes();
  add({ name: 'non-canonical public key: the identity written as y = p + 1; R = [r]B, S = r', expected: false, why: 'RFC 8032 5.1.3: y >= p fails to decode (node:crypto alone accepts it, and the equation holds for any message)', derivation: 'A bytes = p + 1 (ee ff .. ff 7f); R = [r]B; S = r', compare: 'Taming cases 10 and 11 (non-canonical A); Wycheproof EdDSA non-canonical public keys' },
    A, M, sig(R, r));
}
{
  const A = le32(P); // y = p, i.e. y = 0: an order-4 point
  const A4 = Point.fromBytes(le32(0n), false);
  const R = A4.negate().toBytes();
  const { M } = search('noncanonical A y=p', R, A, (k) => k % 4n === 1n);
  add({ name: 'non-canonical public key: an order-4 point written as y = p', expected: false, why: 'RFC 8032 5.1.3: y >= p fails to decode', derivation: 'A bytes = p (ed ff .. ff 7f), decoding leniently to (x, 0) of order 4; R = -A, S = 0; message searched so that k = 1 mod 4', compare: 'Taming cases 10 and 11' },
    A, M, sig(R, 0n));
}
{
  const A = le32(P - 1n);
  A[31] |= 0x80; // (0, -1) of order 2 with the sign bit set
  const R = B.multiply(r).toBytes();
  const { M } = search('noncanonical A sign', R, A, (k) => k % 2n === 0n);
  add({ name: 'non-canonical public key: (0, -1) with the sign bit set', expected: false, why: 'RFC 8032 5.1.3: x = 0 with x_0 = 1 fails to decode', derivation: 'A bytes = ec ff .. ff ff; R = [r]B, S = r; message searched so that k is even ([k]A = identity)', compare: 'ZIP 215 (a ZIP-215 verifier accepts this encoding)' },
    A, M, sig(R, r));
}

const out = {
  source: 'Derived by test/vectors/make-ed25519-edge-cases.ts (deterministic: scalars and messages from SHA-512 of fixed labels); the conditions follow "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko, SSR 2020, https://eprint.iacr.org/2020/1244) cases 0-11, Wycheproof\'s EdDSA edge cases and ZIP 215, but the bytes are ours.',
  rules: 'expected = fieldproof\'s rule set on both backends (proto/ed25519.ts): RFC 8032 5.1.7 with strict decoding (A and R canonical, S < L), the cofactorless equation [S]B = R + [k]A, and no small-order public key.',
  notation: 'B base point, L group order, T8 a point of order 8, k = SHA-512(R || A || M) mod L; all values lowercase hex; messages are 32 bytes.',
  vectors,
};
writeFileSync(new URL('./ed25519-edge-cases.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${vectors.length} vectors`);
