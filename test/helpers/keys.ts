// Deterministic Ed25519 device keys for tests (seed = one repeated byte), so failures reproduce.
// Also writes a key pair as the device.key / device.pub files that `fieldproof keygen` would.
import { keyIdOf, publicKeyOf, writeKeyFiles, type DeviceKey } from '../../proto/index.js';

export async function testKey(seedByte = 1): Promise<DeviceKey> {
  const secretKey = new Uint8Array(32).fill(seedByte);
  const publicKey = await publicKeyOf(secretKey);
  return { keyId: keyIdOf(publicKey), secretKey, publicKey };
}

/** Writes DIR/device.key and DIR/device.pub for `key`; returns their paths. */
export async function writeTestKey(dir: string, key: DeviceKey): Promise<{ keyFile: string; pubFile: string }> {
  return writeKeyFiles(dir, key, true);
}
