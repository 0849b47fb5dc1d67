// Builds the signed ack for a device from what the store holds: a checkpoint over the contiguous point,
// ranges stored beyond it (signed with their last hashes), and the holes between them to resend.
import { encodeAck, holesAbove, signBeyond, signCheckpoint, type DeviceKey } from '../../proto/index.js';
import { mergeRanges, type HeldRange, type HubStore, type SeqRange } from '../store/index.js';

const MAX_RANGES = 16;

/** Who signs: the hub's id (for logs) and its Ed25519 key. */
export interface AckSigner {
  hubId: string;
  key: DeviceKey;
}

export interface AckSummary {
  deviceId: string;
  storedThrough: number;
  storedBeyond: HeldRange[];
  resend: SeqRange[];
  payload: Uint8Array;
}

/**
 * `received`: ranges of segments committed (or found already stored) since the last ack. Those past the
 * first MAX_RANGES ranges are named too: otherwise an agent resends them forever, and once a window's
 * worth of such segments is in flight nothing else is sent (critical segments go first and sit beyond holes).
 * One signature over the checkpoint, and one more only when ranges are held beyond it.
 */
export async function buildAck(store: HubStore, deviceId: string, signer: AckSigner, nowMs: number, received: HeldRange[] = []): Promise<AckSummary | undefined> {
  const state = await store.deviceState(deviceId);
  if (!state) return undefined;
  const listed = await store.storedBeyond(deviceId, state.contiguousSeq, MAX_RANGES);
  const resend = holesAbove(state.contiguousSeq, listed);
  const horizon = listed.length ? listed[listed.length - 1].last : state.contiguousSeq;
  const later = received.filter((r) => r.first > horizon).sort((a, b) => a.first - b.first);
  const storedBeyond = later.length ? [...listed, ...mergeRanges(later).slice(0, MAX_RANGES * 4)] : listed;
  const hubTimeUnixNs = BigInt(nowMs) * 1_000_000n;
  const fields = { hubKeyId: signer.key.keyId, deviceId, seq: state.contiguousSeq, hash: state.contiguousHash, hubTimeUnixNs };
  const payload = encodeAck({
    deviceId,
    hubId: signer.hubId,
    checkpoint: signCheckpoint(fields, signer.key.secretKey),
    storedBeyond,
    beyondSignature: storedBeyond.length ? signBeyond(fields, storedBeyond, signer.key.secretKey) : undefined,
    resend,
  });
  return { deviceId, storedThrough: state.contiguousSeq, storedBeyond, resend, payload };
}
