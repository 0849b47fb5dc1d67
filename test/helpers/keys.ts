// Deterministic Ed25519 device keys for tests (seed = one repeated byte), so failures reproduce.
// Also writes key pairs as the device.key / device.pub (and hub.key / hub.pub) files `fieldproof keygen` would.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyIdOf, publicKeyOf, type DeviceKey } from '../../proto/index.js';
import { writeKeyFiles } from '../../proto/node.js';

export async function testKey(seedByte = 1): Promise<DeviceKey> {
  const secretKey = new Uint8Array(32).fill(seedByte);
  const publicKey = await publicKeyOf(secretKey);
  return { keyId: keyIdOf(publicKey), secretKey, publicKey };
}

/** Writes DIR/device.key and DIR/device.pub for `key`; returns their paths. */
export async function writeTestKey(dir: string, key: DeviceKey): Promise<{ keyFile: string; pubFile: string }> {
  return writeKeyFiles(dir, key, true);
}

/**
 * Writes a fresh hub key pair as DIR/hub.key (0600) and DIR/hub.pub, synchronously (node:crypto writes
 * the same RFC 8410 PEM as `fieldproof keygen`), for helpers that build configs before anything async runs.
 */
export function writeHubKeySync(dir: string): { keyFile: string; pubFile: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'hub.key');
  const pubFile = join(dir, 'hub.pub');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
  return { keyFile, pubFile };
}
