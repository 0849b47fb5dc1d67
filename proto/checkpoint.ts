// The hub's signed word: checkpoints ("I hold this device's records 1..seq, and my record at seq has
// this hash") and signed out-of-order ranges. Pure apart from the signature call; no node-only imports.
import type { fieldproof } from './generated/fieldproof.js';
import { fromBigInt, toBigInt, toNumber } from './codec.js';
import { signSync, verify, verifySync, type Backend } from './ed25519.js';
import { HASH_BYTES } from './hash.js';
import type { KeyRing } from './keys.js';

export interface CheckpointFields {
  hubKeyId: string;
  deviceId: string;
  seq: number;
  /** SHA-256 of the hub's record at `seq` (32 zero bytes at seq 0). */
  hash: Uint8Array;
  hubTimeUnixNs: bigint;
}

/** A range the hub holds above its checkpoint, with the hash of its last record. */
export interface HeldRange {
  first: number;
  last: number;
  lastHash: Uint8Array;
}

/** A checkpoint as decoded (every field optional on the wire) or as built. */
type CheckpointMessage = fieldproof.v1.Checkpoint.$Properties;

const text = new TextEncoder();
const EMPTY = new Uint8Array(0);

/**
 * The exact bytes a checkpoint signature covers: the body of a C2SP signed note (an origin line, the
 * size, the base64 head hash, then one extension line), so a checkpoint can later travel as a signed
 * note verbatim. The origin names the device and the purpose, which also separates it from seals
 * (binary, beginning "fieldproof/v1/seal\0").
 *
 *   fieldproof/v1/checkpoint/<device_id>
 *   <seq>
 *   <base64 of the 32-byte hash>
 *   hub <hub_key_id> <hub_time_unix_ns>
 */
export function checkpointNote(f: CheckpointFields): Uint8Array {
  return text.encode(`${origin('checkpoint', f.deviceId)}\n${f.seq}\n${base64(hash32(f.hash))}\n${hubLine(f.hubKeyId, f.hubTimeUnixNs)}\n`);
}

/**
 * The bytes the stored_beyond signature covers: same note shape, bound to the checkpoint it travels with
 * (its seq and hash), then one line per range. Ranges cannot be stripped from, or moved onto, another ack.
 */
export function beyondStatement(cp: CheckpointFields, ranges: readonly HeldRange[]): Uint8Array {
  const lines = ranges.map((r) => `${r.first} ${r.last} ${base64(hash32(r.lastHash))}\n`).join('');
  return text.encode(`${origin('stored-beyond', cp.deviceId)}\n${hubLine(cp.hubKeyId, cp.hubTimeUnixNs)}\ncheckpoint ${cp.seq} ${base64(hash32(cp.hash))}\n${lines}`);
}

export function signCheckpoint(f: CheckpointFields, hubSecretKey: Uint8Array): fieldproof.v1.Checkpoint.$Properties {
  return {
    hubKeyId: f.hubKeyId, deviceId: f.deviceId, seq: f.seq, hash: f.hash, hubTimeUnixNs: fromBigInt(f.hubTimeUnixNs),
    signature: signSync(checkpointNote(f), hubSecretKey),
  };
}

export function signBeyond(cp: CheckpointFields, ranges: readonly HeldRange[], hubSecretKey: Uint8Array): Uint8Array {
  return signSync(beyondStatement(cp, ranges), hubSecretKey);
}

/** The fields of a decoded checkpoint, as plain numbers and bigints. */
export function checkpointFields(cp: CheckpointMessage): CheckpointFields {
  return { hubKeyId: cp.hubKeyId ?? '', deviceId: cp.deviceId ?? '', seq: toNumber(cp.seq), hash: cp.hash ?? EMPTY, hubTimeUnixNs: toBigInt(cp.hubTimeUnixNs) };
}

export type CheckpointProblem = 'unknown_hub_key' | 'bad_signature';

/** Whether a checkpoint is signed by a key in `hubKeys`; never throws on malformed input. */
export function checkCheckpointSync(cp: CheckpointMessage, hubKeys: KeyRing): CheckpointProblem | undefined {
  const publicKey = hubKeys.publicKey(cp.hubKeyId ?? '');
  if (!publicKey) return 'unknown_hub_key';
  const note = noteOrUndefined(() => checkpointNote(checkpointFields(cp)));
  return note && verifySync(cp.signature ?? EMPTY, note, publicKey) ? undefined : 'bad_signature';
}

/** The same check with either Ed25519 backend (the offline verifier runs where node:crypto is absent). */
export async function checkCheckpoint(cp: CheckpointMessage, hubKeys: KeyRing, backend?: Backend): Promise<CheckpointProblem | undefined> {
  const publicKey = hubKeys.publicKey(cp.hubKeyId ?? '');
  if (!publicKey) return 'unknown_hub_key';
  const note = noteOrUndefined(() => checkpointNote(checkpointFields(cp)));
  return note && (await verify(cp.signature ?? EMPTY, note, publicKey, backend)) ? undefined : 'bad_signature';
}

/** Whether a stored_beyond signature verifies under the checkpoint's hub key and time. */
export function checkBeyondSync(cp: CheckpointFields, ranges: readonly HeldRange[], signature: Uint8Array, hubKeys: KeyRing): boolean {
  const publicKey = hubKeys.publicKey(cp.hubKeyId);
  if (!publicKey) return false;
  const statement = noteOrUndefined(() => beyondStatement(cp, ranges));
  return statement !== undefined && verifySync(signature, statement, publicKey);
}

/**
 * The seqs missing between a checkpoint and the ranges held above it (in any order; overlaps allowed):
 * what a hub asks to be sent again, and what a fork leaves behind. Pure.
 */
export function holesAbove(contiguous: number, ranges: readonly { first: number; last: number }[]): { first: number; last: number }[] {
  const holes: { first: number; last: number }[] = [];
  let next = contiguous + 1;
  for (const r of [...ranges].sort((a, b) => a.first - b.first)) {
    if (r.last < next) continue;
    if (r.first > next) holes.push({ first: next, last: r.first - 1 });
    next = r.last + 1;
  }
  return holes;
}

function origin(kind: string, deviceId: string): string {
  if (!/^[\x21-\x7e]{1,128}$/.test(deviceId)) throw new Error(`device id ${JSON.stringify(deviceId)} cannot appear in a signed note`);
  return `fieldproof/v1/${kind}/${deviceId}`;
}

function hubLine(hubKeyId: string, hubTimeUnixNs: bigint): string {
  if (!/^[0-9a-f]{16}$/.test(hubKeyId)) throw new Error(`hub key id ${JSON.stringify(hubKeyId)}: expected 16 hex characters`);
  return `hub ${hubKeyId} ${hubTimeUnixNs}`;
}

function hash32(hash: Uint8Array): Uint8Array {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_BYTES) throw new Error(`expected a ${HASH_BYTES}-byte hash, got ${hash?.length ?? typeof hash}`);
  return hash;
}

function noteOrUndefined(build: () => Uint8Array): Uint8Array | undefined {
  try {
    return build();
  } catch {
    return undefined;
  }
}

/** Standard base64 with padding (as C2SP notes use); btoa exists in browsers and Node alike. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
