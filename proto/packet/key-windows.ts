// A device's keys as its packet lists them (keys.json): each with the hub's registration and revocation times,
// and the rotations that hand the chain from one key to the next. Says whether a key may have sealed a segment. Pure.
import { fromHex } from '../hash.js';
import { KeyRing, keyIdOf } from '../keys.js';

export interface PacketKey {
  key_id: string;
  /** Raw 32-byte Ed25519 public key, hex. */
  public_key: string;
  /** When the hub registered the key (its clock, Unix ms): added by an operator, or on receiving the rotation to it. */
  added_unix_ms: number;
  /** When the hub revoked it; null while trusted. */
  revoked_unix_ms: number | null;
}

export interface PacketRotation {
  /** The seq of the KeyRotation record (sealed by the old key). */
  seq: number;
  old_key_id: string;
  new_key_id: string;
}

export interface DeviceKeys {
  device: string;
  keys: PacketKey[];
  rotations: PacketRotation[];
}

export class KeysError extends Error {}

export function parseDeviceKeys(value: unknown): DeviceKeys {
  const o = value as Partial<DeviceKeys> | null;
  if (!o || typeof o !== 'object' || typeof o.device !== 'string' || !Array.isArray(o.keys) || !Array.isArray(o.rotations)) {
    throw new KeysError('expected {device, keys: [...], rotations: [...]}');
  }
  const keys = o.keys.map((k, i) => {
    const ok = k && typeof k.key_id === 'string' && typeof k.public_key === 'string' && /^[0-9a-f]{64}$/.test(k.public_key)
      && Number.isSafeInteger(k.added_unix_ms) && (k.revoked_unix_ms === null || Number.isSafeInteger(k.revoked_unix_ms));
    if (!ok) throw new KeysError(`keys[${i}]: expected {key_id, public_key (64 hex), added_unix_ms, revoked_unix_ms (or null)}`);
    if (keyIdOf(fromHex(k.public_key)) !== k.key_id) throw new KeysError(`keys[${i}]: key id ${k.key_id} is not the id of its public key (${keyIdOf(fromHex(k.public_key))})`);
    return { key_id: k.key_id, public_key: k.public_key, added_unix_ms: k.added_unix_ms, revoked_unix_ms: k.revoked_unix_ms };
  });
  const rotations = o.rotations.map((r, i) => {
    if (!r || !Number.isSafeInteger(r.seq) || typeof r.old_key_id !== 'string' || typeof r.new_key_id !== 'string') {
      throw new KeysError(`rotations[${i}]: expected {seq, old_key_id, new_key_id}`);
    }
    return { seq: r.seq, old_key_id: r.old_key_id, new_key_id: r.new_key_id };
  });
  return { device: o.device, keys, rotations };
}

export function keyRingOf(keys: DeviceKeys): KeyRing {
  return new KeyRing(keys.keys.map((k) => fromHex(k.public_key)));
}

/** What a segment offers for the window check: its seal's key and seqs, when the hub received it, and its last record's time. */
export interface SealedSpan {
  keyId: string;
  firstSeq: number;
  receivedUnixMs: number;
  /** time_unix_ns of the segment's last record (the record the seal signs), in ms. */
  lastRecordUnixMs: number;
}

/**
 * Why `span`'s key could not have sealed it, or undefined when it could: the hub must have received the segment
 * while the key was registered and not revoked; the device must not have dated it at or after the revocation; and
 * a rotated key seals only up to its rotation record, its successor only after it.
 */
export function keyWindowProblem(keys: DeviceKeys, span: SealedSpan): string | undefined {
  const key = keys.keys.find((k) => k.key_id === span.keyId);
  if (!key) return `key ${span.keyId} is not among the device's keys`;
  if (span.receivedUnixMs < key.added_unix_ms) {
    return `sealed by key ${span.keyId}, received by the hub at ${iso(span.receivedUnixMs)}, before the key was registered (${iso(key.added_unix_ms)})`;
  }
  if (key.revoked_unix_ms !== null && span.receivedUnixMs >= key.revoked_unix_ms) {
    return `sealed by key ${span.keyId}, received by the hub at ${iso(span.receivedUnixMs)}, after the key was revoked (${iso(key.revoked_unix_ms)})`;
  }
  if (key.revoked_unix_ms !== null && span.lastRecordUnixMs >= key.revoked_unix_ms) {
    return `sealed by key ${span.keyId} over records dated ${iso(span.lastRecordUnixMs)}, after the key was revoked (${iso(key.revoked_unix_ms)})`;
  }
  const out = keys.rotations.find((r) => r.old_key_id === span.keyId && span.firstSeq > r.seq);
  if (out) return `sealed by key ${span.keyId}, which the KeyRotation record at seq ${out.seq} handed over to ${out.new_key_id}`;
  const early = keys.rotations.find((r) => r.new_key_id === span.keyId && span.firstSeq <= r.seq);
  if (early) return `sealed by key ${span.keyId} from seq ${span.firstSeq}, before the KeyRotation record at seq ${early.seq} introduced it`;
  return undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

