// The Seal over a segment: Ed25519 over a domain-separated digest of
// (device_id, key_id, first_seq, last_seq, last record hash). Pure apart from the signature call.
import type { fieldproof } from './generated/fieldproof.js';
import { toNumber, type SealMessage } from './codec.js';
import { signSync, verify, verifySync, type Backend } from './ed25519.js';

const DOMAIN = new TextEncoder().encode('fieldproof/v1/seal\0');

export interface SealFields {
  deviceId: string;
  keyId: string;
  firstSeq: number;
  lastSeq: number;
  lastHash: Uint8Array;
}

/** The exact bytes that are signed. Length-prefixed strings, big-endian u64s: unambiguous. */
export function sealMessage(f: SealFields): Uint8Array {
  const device = new TextEncoder().encode(f.deviceId);
  const key = new TextEncoder().encode(f.keyId);
  const out = new Uint8Array(DOMAIN.length + 2 + device.length + 2 + key.length + 8 + 8 + f.lastHash.length);
  const view = new DataView(out.buffer);
  let at = 0;
  out.set(DOMAIN, at); at += DOMAIN.length;
  view.setUint16(at, device.length); at += 2;
  out.set(device, at); at += device.length;
  view.setUint16(at, key.length); at += 2;
  out.set(key, at); at += key.length;
  view.setBigUint64(at, BigInt(f.firstSeq)); at += 8;
  view.setBigUint64(at, BigInt(f.lastSeq)); at += 8;
  out.set(f.lastHash, at);
  return out;
}

export function createSeal(f: SealFields, secretKey: Uint8Array): fieldproof.v1.Seal.$Properties {
  return {
    deviceId: f.deviceId,
    keyId: f.keyId,
    firstSeq: f.firstSeq,
    lastSeq: f.lastSeq,
    lastHash: f.lastHash,
    signature: signSync(sealMessage(f), secretKey),
  };
}

export function sealFields(seal: SealMessage): SealFields {
  return {
    deviceId: seal.deviceId,
    keyId: seal.keyId,
    firstSeq: toNumber(seal.firstSeq),
    lastSeq: toNumber(seal.lastSeq),
    lastHash: seal.lastHash,
  };
}

export function verifySealSync(seal: SealMessage, publicKey: Uint8Array): boolean {
  return verifySync(seal.signature, sealMessage(sealFields(seal)), publicKey);
}

export function verifySeal(seal: SealMessage, publicKey: Uint8Array, backend?: Backend): Promise<boolean> {
  return verify(seal.signature, sealMessage(sealFields(seal)), publicKey, backend);
}
