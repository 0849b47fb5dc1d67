// Key files: DIR/<name>.key (PKCS#8 PEM, mode 0600) and DIR/<name>.pub (SPKI PEM), for devices and hubs.
// The only file in proto/ that touches the filesystem.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { publicKeyFromPem, publicKeyOf, publicKeyToPem, randomSecretKey, secretKeyFromPem, secretKeyToPem } from './ed25519.js';
import { keyIdOf, type DeviceKey } from './keys.js';

export async function generateDeviceKey(): Promise<DeviceKey> {
  const secretKey = randomSecretKey();
  const publicKey = await publicKeyOf(secretKey);
  return { keyId: keyIdOf(publicKey), secretKey, publicKey };
}

/** Writes DIR/<name>.key (0600) and DIR/<name>.pub; refuses to overwrite an existing key unless told. */
export async function writeKeyFiles(dir: string, key: DeviceKey, overwrite = false, name = 'device'): Promise<{ keyFile: string; pubFile: string }> {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, `${name}.key`);
  const pubFile = join(dir, `${name}.pub`);
  if (!overwrite && existsSync(keyFile)) {
    throw new Error(`${keyFile} already exists: refusing to overwrite a key (pass --force to replace it, and re-register its public key)`);
  }
  writeFileSync(keyFile, secretKeyToPem(key.secretKey), { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(pubFile, publicKeyToPem(key.publicKey), { mode: 0o644 });
  return { keyFile, pubFile };
}

/** Reads a private key file; refuses one that group or others may read (anyone who reads it can forge seals or acks). */
export async function readDeviceKey(keyFile: string): Promise<DeviceKey> {
  let pem: string;
  try {
    refuseOpenPermissions(keyFile);
    pem = readFileSync(keyFile, 'utf8');
  } catch (err) {
    if (err instanceof KeyPermissionError) throw err;
    throw new Error(`${keyFile}: cannot read private key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); create one with \`fieldproof keygen --out DIR\``);
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

class KeyPermissionError extends Error {}

function refuseOpenPermissions(keyFile: string): void {
  if (process.platform === 'win32') return;
  const mode = statSync(keyFile).mode & 0o777;
  if (mode & 0o077) {
    throw new KeyPermissionError(`${keyFile}: private key is readable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run \`chmod 600 ${keyFile}\``);
  }
}
