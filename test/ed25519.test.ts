// Ed25519 on both backends (node:crypto and @noble/ed25519): RFC 8032 section 7.1 vectors, byte-identical
// signatures across backends, PEM and key-file round trips, and malformed keys or signatures verifying false.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  publicKeyFromPem, publicKeyOf, publicKeyToPem, randomSecretKey, secretKeyFromPem, secretKeyToPem, sign, signSync, verify, verifySync,
  type Backend,
} from '../proto/ed25519.js';
import { keyIdOf, sha256 } from '../proto/index.js';
import { readDeviceKey, readPublicKey, writeKeyFiles } from '../proto/node.js';
import { useTempDirs } from './helpers/temp-dir.js';

interface Vector { name: string; secretKey: string; publicKey: string; message: string; signature: string }
const VECTORS = (JSON.parse(readFileSync(new URL('./vectors/rfc8032.json', import.meta.url), 'utf8')) as { vectors: Vector[] }).vectors;
const BACKENDS: Backend[] = ['node', 'noble'];
const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const tempDir = useTempDirs();

describe('RFC 8032 section 7.1 vectors', () => {
  it('are the five published vectors, intact', () => {
    expect(VECTORS.map((v) => v.name)).toEqual(['TEST 1', 'TEST 2', 'TEST 3', 'TEST 1024', 'TEST SHA(abc)']);
    const long = hex(VECTORS[3].message);
    expect(long.length).toBe(1023);
    expect(toHex(sha256(long))).toBe('358c67baee6b3e0265787951d1840a8468b9e9044852f1c67229a892b2cc0d22');
    // TEST SHA(abc)'s message is SHA-512("abc"), as the RFC says.
    expect(VECTORS[4].message).toBe('ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  });

  for (const backend of BACKENDS) {
    describe(`on the ${backend} backend`, () => {
      it.each(VECTORS.map((v) => [v.name, v] as const))('%s: public key, signature and verification', async (_name, v) => {
        const secret = hex(v.secretKey);
        const message = hex(v.message);
        expect(toHex(await publicKeyOf(secret, backend))).toBe(v.publicKey);
        expect(toHex(await sign(message, secret, backend))).toBe(v.signature);
        expect(await verify(hex(v.signature), message, hex(v.publicKey), backend)).toBe(true);
      });

      it.each(VECTORS.map((v) => [v.name, v] as const))('%s: any altered bit of signature, message or key fails', async (_name, v) => {
        const sig = hex(v.signature);
        const message = hex(v.message);
        const pub = hex(v.publicKey);
        for (const bit of [0, 7, 100, 255, 256, 300, 511]) {
          const bad = sig.slice();
          bad[bit >> 3] ^= 1 << (bit & 7);
          expect(await verify(bad, message, pub, backend), `signature bit ${bit}`).toBe(false);
        }
        if (message.length > 0) {
          const bad = message.slice();
          bad[message.length - 1] ^= 1;
          expect(await verify(sig, bad, pub, backend)).toBe(false);
        }
        expect(await verify(sig, Buffer.concat([message, Uint8Array.of(0)]), pub, backend)).toBe(false);
        const badKey = pub.slice();
        badKey[0] ^= 1;
        expect(await verify(sig, message, badKey, backend)).toBe(false);
      });
    });
  }

  it.each(VECTORS.map((v) => [v.name, v] as const))('%s: signSync and verifySync agree with the vector', (_name, v) => {
    expect(toHex(signSync(hex(v.message), hex(v.secretKey)))).toBe(v.signature);
    expect(verifySync(hex(v.signature), hex(v.message), hex(v.publicKey))).toBe(true);
  });

  it("a signature verifies only under its own key (TEST 2's signature, TEST 3's key)", async () => {
    for (const backend of BACKENDS) {
      expect(await verify(hex(VECTORS[1].signature), hex(VECTORS[1].message), hex(VECTORS[2].publicKey), backend)).toBe(false);
    }
  });
});

describe('node and noble backends', () => {
  it('give byte-identical public keys and signatures for random keys and messages, and verify each other', async () => {
    for (let i = 0; i < 40; i++) {
      const secret = randomSecretKey();
      const message = new Uint8Array(Buffer.from(Array.from({ length: (i * 37) % 700 }, (_, j) => (i * 31 + j * 7) & 255)));
      const [pubNode, pubNoble] = [await publicKeyOf(secret, 'node'), await publicKeyOf(secret, 'noble')];
      expect(toHex(pubNode)).toBe(toHex(pubNoble));
      const [sigNode, sigNoble] = [await sign(message, secret, 'node'), await sign(message, secret, 'noble')];
      expect(toHex(sigNode)).toBe(toHex(sigNoble));
      expect(await verify(sigNode, message, pubNode, 'noble')).toBe(true);
      expect(await verify(sigNoble, message, pubNoble, 'node')).toBe(true);
      expect(verifySync(sigNoble, message, pubNode)).toBe(true);
    }
  });

  it('randomSecretKey gives distinct 32-byte keys', () => {
    const a = randomSecretKey();
    const b = randomSecretKey();
    expect(a).toHaveLength(32);
    expect(toHex(a)).not.toBe(toHex(b));
  });
});

describe('malformed keys and signatures verify false, never throw', () => {
  const v = VECTORS[0];
  const sig = hex(v.signature);
  const message = hex(v.message);
  const pub = hex(v.publicKey);
  const R = v.signature.slice(0, 64);
  const cases: [string, Uint8Array, Uint8Array][] = [
    ['signature of 63 bytes', sig.subarray(0, 63), pub],
    ['signature of 65 bytes', Buffer.concat([sig, Uint8Array.of(0)]), pub],
    ['empty signature', new Uint8Array(0), pub],
    ['all-zero signature', new Uint8Array(64), pub],
    ['S equal to the group order L', hex(R + 'edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010'), pub],
    ['S + L (same scalar mod L, not canonical)', hex(R + '4c8c7872aa064e049dbb3013fbf29380d25bf5f0595bbe24655141438e7a101b'), pub],
    ['S = 2^256 - 1', hex(R + 'ff'.repeat(32)), pub],
    ['R that is not a curve point', hex('02' + '00'.repeat(31) + v.signature.slice(64)), pub],
    ['public key of 31 bytes', sig, pub.subarray(0, 31)],
    ['public key of 33 bytes', sig, Buffer.concat([pub, Uint8Array.of(0)])],
    ['public key y = p (not canonical)', sig, hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')],
    ['public key that is not a curve point', sig, hex('02' + '00'.repeat(31))],
    ['public key of all 0xff', sig, hex('ff'.repeat(32))],
  ];

  for (const backend of BACKENDS) {
    it.each(cases)(`${backend}: %s`, async (_what, signature, publicKey) => {
      await expect(verify(signature, message, publicKey, backend)).resolves.toBe(false);
    });
  }

  it.each(cases)('verifySync: %s', (_what, signature, publicKey) => {
    expect(verifySync(signature, message, publicKey)).toBe(false);
  });

  it('non-byte arguments verify false', async () => {
    for (const backend of BACKENDS) {
      expect(await verify(null as never, message, pub, backend)).toBe(false);
      expect(await verify(sig, message, undefined as never, backend)).toBe(false);
      expect(await verify(sig, message, 'not a key' as never, backend)).toBe(false);
    }
  });

  it('a secret key of the wrong length is refused with its length', async () => {
    for (const backend of BACKENDS) {
      await expect(sign(message, new Uint8Array(31), backend)).rejects.toThrow('expected Ed25519 secret key of 32 bytes, got length=31');
      await expect(publicKeyOf(new Uint8Array(33), backend)).rejects.toThrow('got length=33');
    }
    expect(() => signSync(message, 'secret' as never)).toThrow('expected Ed25519 secret key of 32 bytes, got string');
  });
});

describe('PEM and key files', () => {
  const v = VECTORS[0];

  it('round trips secret and public keys through PEM, readable by node:crypto (OpenSSL)', () => {
    const secret = hex(v.secretKey);
    const pem = secretKeyToPem(secret);
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----\n$/);
    expect(toHex(secretKeyFromPem(pem))).toBe(v.secretKey);
    const viaOpenssl = createPublicKey(createPrivateKey(pem)).export({ format: 'der', type: 'spki' });
    expect(toHex(viaOpenssl.subarray(-32))).toBe(v.publicKey);

    const pubPem = publicKeyToPem(hex(v.publicKey));
    expect(toHex(publicKeyFromPem(pubPem))).toBe(v.publicKey);
    expect(createPublicKey(pubPem).asymmetricKeyType).toBe('ed25519');
  });

  it('refuses PEM that is not an Ed25519 key', () => {
    expect(() => secretKeyFromPem('hello')).toThrow('expected a PEM "PRIVATE KEY" block');
    expect(() => publicKeyFromPem(secretKeyToPem(hex(v.secretKey)))).toThrow('expected a PEM "PUBLIC KEY" block');
    const x25519Pem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VuAyEA' + 'A'.repeat(43) + '=\n-----END PUBLIC KEY-----\n'; // an X25519 key (OID 1.3.101.110)
    expect(() => publicKeyFromPem(x25519Pem)).toThrow(/expected an Ed25519 public key \(RFC 8410\)/);
    expect(() => secretKeyToPem(new Uint8Array(16))).toThrow('expected Ed25519 secret key of 32 bytes, got length=16');
  });

  it('writes device.key (0600) and device.pub, reads them back, and refuses to overwrite', async () => {
    const dir = join(tempDir(), 'keys', 'ugv-01');
    const secretKey = hex(v.secretKey);
    const key = { secretKey, publicKey: hex(v.publicKey), keyId: keyIdOf(hex(v.publicKey)) };
    const { keyFile, pubFile } = await writeKeyFiles(dir, key);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const back = await readDeviceKey(keyFile);
    expect(toHex(back.secretKey)).toBe(v.secretKey);
    expect(toHex(back.publicKey)).toBe(v.publicKey);
    expect(back.keyId).toBe(toHex(sha256(hex(v.publicKey))).slice(0, 16));
    expect(toHex(readPublicKey(pubFile))).toBe(v.publicKey);
    await expect(writeKeyFiles(dir, key)).rejects.toThrow(/already exists: refusing to overwrite a key \(pass --force/);
  });

  it('refuses a private key file that group or others can read, naming the file and chmod 600', async () => {
    const dir = join(tempDir(), 'keys');
    const { keyFile } = await writeKeyFiles(dir, { secretKey: hex(v.secretKey), publicKey: hex(v.publicKey), keyId: keyIdOf(hex(v.publicKey)) }, false, 'hub');
    expect(keyFile.endsWith('hub.key')).toBe(true);
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(keyFile, mode);
      await expect(readDeviceKey(keyFile)).rejects.toThrow(`${keyFile}: private key is readable by group or others (mode 0${mode.toString(8)}); run \`chmod 600 ${keyFile}\``);
    }
    chmodSync(keyFile, 0o400);
    expect((await readDeviceKey(keyFile)).keyId).toBe(keyIdOf(hex(v.publicKey)));
  });

  it('names the file and what to do when a key file is missing or wrong', async () => {
    const dir = tempDir();
    await expect(readDeviceKey(join(dir, 'nope.key'))).rejects.toThrow(/nope\.key: cannot read private key \(ENOENT\); create one with `fieldproof keygen/);
    expect(() => readPublicKey(join(dir, 'nope.pub'))).toThrow(/nope\.pub: cannot read public key \(ENOENT\)/);
  });
});
