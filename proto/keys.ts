// Key ids and the key ring that verifiers consult; pure, so the offline verifier can use it anywhere.
// key id = first 16 hex characters of SHA-256(raw public key).
import { sha256, toHex } from './hash.js';

export function keyIdOf(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey)).slice(0, 16);
}

export interface DeviceKey {
  keyId: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Public keys by key id; what a verifier trusts. */
export class KeyRing {
  private readonly keys = new Map<string, Uint8Array>();
  constructor(publicKeys: Iterable<Uint8Array> = []) {
    for (const key of publicKeys) this.add(key);
  }
  add(publicKey: Uint8Array): string {
    const id = keyIdOf(publicKey);
    this.keys.set(id, publicKey);
    return id;
  }
  publicKey(keyId: string): Uint8Array | undefined {
    return this.keys.get(keyId);
  }
  ids(): string[] {
    return [...this.keys.keys()];
  }
}

