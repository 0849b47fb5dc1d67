// Ed25519 edge cases (test/vectors/ed25519-edge-cases.json): small-order and mixed-order points, non-canonical
// encodings, S >= L. node:crypto and @noble/ed25519 must judge each the same, as the vector file expects.
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as noble from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { verify, verifySync, type Backend } from '../proto/ed25519.js';

interface Vector { name: string; publicKey: string; message: string; signature: string; expected: boolean; why: string; derivation: string; compare: string }
const FILE = JSON.parse(readFileSync(new URL('./vectors/ed25519-edge-cases.json', import.meta.url), 'utf8')) as { source: string; rules: string; vectors: Vector[] };
const VECTORS = FILE.vectors;
const BACKENDS: Backend[] = ['node', 'noble'];
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** node:crypto (OpenSSL) alone, without proto/ed25519.ts's rules. */
function opensslAlone(v: Vector): boolean {
  try {
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), hex(v.publicKey)]), format: 'der', type: 'spki' });
    return nodeVerify(null, hex(v.message), key, hex(v.signature));
  } catch {
    return false;
  }
}

/** noble's own verify, with or without its ZIP-215 default. */
async function nobleAlone(v: Vector, zip215: boolean): Promise<boolean> {
  try {
    return await noble.verifyAsync(hex(v.signature), hex(v.message), hex(v.publicKey), { zip215 });
  } catch {
    return false;
  }
}

describe('Ed25519 edge-case vectors', () => {
  it('are intact: each says where it came from, why, and what to expect', () => {
    expect(VECTORS.length).toBe(15);
    expect(FILE.source).toMatch(/make-ed25519-edge-cases\.ts/);
    for (const v of VECTORS) {
      expect(v.publicKey, v.name).toMatch(/^[0-9a-f]{64}$/);
      expect(v.signature, v.name).toMatch(/^[0-9a-f]{128}$/);
      expect(v.why.length * v.derivation.length * v.compare.length, v.name).toBeGreaterThan(0);
    }
    expect(VECTORS.filter((v) => v.expected).map((v) => v.name)).toEqual([
      'valid signature, prime-order key',
      'mixed-order public key, small-order R: both equations hold',
      'mixed-order A and R: both equations hold',
    ]);
  });

  for (const backend of BACKENDS) {
    it.each(VECTORS.map((v) => [v.name, v] as const))(`${backend}: %s`, async (_name, v) => {
      expect(await verify(hex(v.signature), hex(v.message), hex(v.publicKey), backend), v.why).toBe(v.expected);
    });
  }

  it.each(VECTORS.map((v) => [v.name, v] as const))('verifySync: %s', (_name, v) => {
    expect(verifySync(hex(v.signature), hex(v.message), hex(v.publicKey))).toBe(v.expected);
  });

  it('are edge cases indeed: without our rules the libraries disagree with the expected verdicts, and with each other', async () => {
    const rows = await Promise.all(VECTORS.map(async (v) => ({ v, openssl: opensslAlone(v), zip215: await nobleAlone(v, true), strict: await nobleAlone(v, false) })));
    // node:crypto alone takes small-order and non-canonical public keys
    expect(rows.filter((r) => r.openssl && !r.v.expected).map((r) => r.v.name)).toEqual(expect.arrayContaining([
      'identity public key: R = [r]B, S = r verifies any message under [S]B = R + [k]A',
      'non-canonical public key: the identity written as y = p + 1; R = [r]B, S = r',
    ]));
    // noble's { zip215: false } still checks the cofactored equation: it takes what node:crypto refuses
    const cofactoredOnly = rows.filter((r) => r.strict && !r.openssl).map((r) => r.v.name);
    expect(cofactoredOnly).toEqual([
      'mixed-order A and R: only the cofactored equation holds',
      'mixed-order A, prime-order R: only the cofactored equation holds',
    ]);
    // and noble's default (ZIP 215) takes non-canonical encodings as well
    expect(rows.filter((r) => r.zip215 && !r.v.expected).length).toBeGreaterThanOrEqual(8);
    // every signature expected to verify is one all three accept
    for (const r of rows.filter((row) => row.v.expected)) expect([r.openssl, r.zip215, r.strict], r.v.name).toEqual([true, true, true]);
  });

  it('refuses all eight small-order public keys, each with a signature the bare equation accepts', async () => {
    // the torsion subgroup: multiples of an order-8 point, found as [L]Q for a point Q of the curve
    const Q = noble.Point.fromBytes(hex('61326177b2135ab2a54dd25212ad1da1285420bb70be5bff2ef9a685f274e370')).add(noble.Point.fromBytes(hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')));
    const T8 = Q.multiply(L - 1n, false).add(Q);
    expect(T8.multiply(4n, false).is0()).toBe(false);
    expect(T8.multiply(8n, false).is0()).toBe(true);
    const r = 12345n;
    const R = noble.Point.BASE.multiply(r).toBytes();
    const keys = new Set<string>();
    for (let j = 0n; j < 8n; j++) {
      const A = T8.multiply(j, false).toBytes();
      keys.add(Buffer.from(A).toString('hex'));
      // a message for which [k]A is the identity: then R = [r]B, S = r satisfies [S]B = R + [k]A
      let message: Uint8Array | undefined;
      for (let i = 0; !message; i++) {
        const m = new Uint8Array(createHash('sha256').update(`small ${j} ${i}`).digest());
        const k = BigInt(`0x${Buffer.from(createHash('sha512').update(R).update(A).update(m).digest()).reverse().toString('hex')}`) % L;
        if (T8.multiply(j, false).multiply(k, false).is0()) message = m;
      }
      const signature = Uint8Array.from([...R, ...Buffer.from(r.toString(16).padStart(64, '0'), 'hex').reverse()]);
      const v = { name: `[${j}]T8`, publicKey: Buffer.from(A).toString('hex'), message: Buffer.from(message).toString('hex'), signature: Buffer.from(signature).toString('hex') } as Vector;
      expect(opensslAlone(v), `${v.name}: node:crypto alone accepts it`).toBe(true);
      for (const backend of BACKENDS) expect(await verify(signature, message, A, backend), `${backend}: ${v.name}`).toBe(false);
    }
    expect(keys.size).toBe(8);
  });
});
