// The raw cost of a signed ack: the hub's signCheckpoint and the agent's checkAck (decode, pinned-key verify, hash
// match) on real encoded acks, per operation; beside raw node:crypto Ed25519 sign/verify of a message of the same size.
import * as crypto from 'node:crypto';
import { checkAck, type LocalChain } from '../../agent/uplink/ack-check.js';
import { checkpointNote, encodeAck, KeyRing, signCheckpoint, GENESIS_HASH, type CheckpointFields } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { blobPool } from './baselines.js';

export interface AckCryptoCost {
  /** Microseconds per signCheckpoint (what the hub's buildAck signs for every ack). */
  signUs: number;
  /** Microseconds per checkAck of an encoded ack with one pinned hub key (what the agent runs on every ack). */
  checkUs: number;
  /** Raw node:crypto Ed25519, microseconds per sign and per verify, of a message as long as a checkpoint note. */
  rawSignUs: number;
  rawVerifyUs: number;
  noteBytes: number;
  ackBytes: number;
}

const POOL = 1000;

/**
 * `count` checkpoint signatures, then `count` agent checks of the acks built from them (as hub/ingest/build-ack.ts
 * encodes them when nothing is held out of order: no stored_beyond, so no second signature), then the raw baselines.
 */
export async function ackCryptoCost(count: number, deviceId: string): Promise<AckCryptoCost> {
  const hubKey = await generateDeviceKey();
  const hashes = blobPool(POOL, 32);
  const now = BigInt(Date.now()) * 1_000_000n;
  const fields = (i: number): CheckpointFields => ({ hubKeyId: hubKey.keyId, deviceId, seq: 1000 * (i + 1), hash: hashes[i % POOL], hubTimeUnixNs: now + BigInt(i) });

  const signed = Array.from({ length: POOL }, (_, i) => signCheckpoint(fields(i), hubKey.secretKey)); // also the warm-up
  let t0 = performance.now();
  for (let i = 0; i < count; i++) signed[i % POOL] = signCheckpoint(fields(i % POOL), hubKey.secretKey);
  const signUs = ((performance.now() - t0) * 1000) / count;

  const acks = signed.map((checkpoint) => encodeAck({ deviceId, hubId: 'bench-hub', checkpoint, storedBeyond: [], resend: [] }));
  const ring = new KeyRing([hubKey.publicKey]);
  const bySeq = new Map(Array.from({ length: POOL }, (_, i) => [1000 * (i + 1), hashes[i]] as const));
  // The agent's own chain, in memory here: the outbox's hashAt (one indexed SQLite read) is not part of the crypto.
  const local: LocalChain = { deviceId, headSeq: 1000 * (POOL + 1), ackedSeq: 0, ackedHash: GENESIS_HASH, hashAt: (seq) => bySeq.get(seq) };
  for (let i = 0; i < POOL; i++) mustAccept(checkAck(acks[i], ring, local), i); // warm-up, and proof they are genuine
  t0 = performance.now();
  let accepted = 0;
  for (let i = 0; i < count; i++) if (checkAck(acks[i % POOL], ring, local).ok) accepted++;
  const checkUs = ((performance.now() - t0) * 1000) / count;
  if (accepted !== count) throw new Error(`ack crypto: ${count - accepted} of ${count} genuine acks were rejected`);

  const noteBytes = checkpointNote(fields(0)).length;
  const raw = rawEd25519(count, noteBytes);
  return { signUs, checkUs, ...raw, noteBytes, ackBytes: acks[0].length };
}

/** node:crypto Ed25519 with ready KeyObjects, microseconds per sign and per verify of `size`-byte messages. */
function rawEd25519(count: number, size: number): { rawSignUs: number; rawVerifyUs: number } {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const messages = blobPool(100, size);
  const signatures = messages.map((m) => crypto.sign(null, m, privateKey));
  let t0 = performance.now();
  for (let i = 0; i < count; i++) signatures[i % 100] = crypto.sign(null, messages[i % 100], privateKey);
  const rawSignUs = ((performance.now() - t0) * 1000) / count;
  let ok = 0;
  t0 = performance.now();
  for (let i = 0; i < count; i++) if (crypto.verify(null, messages[i % 100], publicKey, signatures[i % 100])) ok++;
  const rawVerifyUs = ((performance.now() - t0) * 1000) / count;
  if (ok !== count) throw new Error('raw Ed25519: a signature did not verify');
  return { rawSignUs, rawVerifyUs };
}

function mustAccept(verdict: ReturnType<typeof checkAck>, i: number): void {
  if (!verdict.ok) throw new Error(`ack crypto: genuine ack ${i} rejected: ${verdict.reason}: ${verdict.detail}`);
}
