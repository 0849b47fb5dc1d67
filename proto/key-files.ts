// Device key files: DIR/device.key (PKCS#8 PEM, mode 0600) and DIR/device.pub (SPKI PEM).
// The only file in proto/ that touches the filesystem.
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyFromPem, publicKeyOf, publicKeyToPem, randomSecretKey, secretKeyFromPem, secretKeyToPem } from './ed25519.js';
import { keyIdOf, type DeviceKey } from './keys.js';

export async function generateDeviceKey(): Promise<DeviceKey> {
  const secretKey = randomSecretKey();
  const publicKey = await publicKeyOf(secretKey);
  return { keyId: keyIdOf(publicKey), secretKey, publicKey };
}

/** Writes DIR/device.key (0600) and DIR/device.pub; refuses to overwrite an existing key unless told. */
export async function writeKeyFiles(dir: string, key: DeviceKey, overwrite = false): Promise<{ keyFile: string; pubFile: string }> {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'device.key');
  const pubFile = join(dir, 'device.pub');
  if (!overwrite && existsSync(keyFile)) {
    throw new Error(`${keyFile} already exists: refusing to overwrite a device key (pass --force to replace it)`);
  }
  writeFileSync(keyFile, secretKeyToPem(key.secretKey), { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(pubFile, publicKeyToPem(key.publicKey), { mode: 0o644 });
  return { keyFile, pubFile };
}

export async function readDeviceKey(keyFile: string): Promise<DeviceKey> {
  let pem: string;
  try {
    pem = readFileSync(keyFile, 'utf8');
  } catch (err) {
    throw new Error(`${keyFile}: cannot read device key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); create one with \`fieldproof keygen --out DIR\``);
  }
  let secretKey: Uint8Array;
  try {
    secretKey = secretKeyFromPem(pem);
  } catch (err) {
    throw new Error(`${keyFile}: ${(err as Error).message}`);
  }
  const publicKey = await publicKeyOf(secretKey);
  return { keyId: keyIdOf(publicKey), secretKey, publicKey };
}

export function readPublicKey(pubFile: string): Uint8Array {
  let pem: string;
  try {
    pem = readFileSync(pubFile, 'utf8');
  } catch (err) {
    throw new Error(`${pubFile}: cannot read public key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return publicKeyFromPem(pem);
  } catch (err) {
    throw new Error(`${pubFile}: ${(err as Error).message}`);
  }
}
