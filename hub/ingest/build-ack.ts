// Builds the ack for a device from what the store holds: stored_through (contiguous), ranges
// stored beyond it, and the holes between them to resend.
import { encodeAck } from '../../proto/index.js';
import { mergeRanges, type HubStore, type SeqRange } from '../store/index.js';

const MAX_RANGES = 16;

export interface AckSummary {
  deviceId: string;
  storedThrough: number;
  storedBeyond: SeqRange[];
  resend: SeqRange[];
  payload: Uint8Array;
}

/**
 * `received`: ranges of segments committed (or found already stored) since the last ack. Those past the
 * first MAX_RANGES ranges are named too: otherwise an agent resends them forever, and once a window's
 * worth of such segments is in flight nothing else is sent (critical segments go first and sit beyond holes).
 */
export async function buildAck(store: HubStore, deviceId: string, hubId: string, nowMs: number, received: SeqRange[] = []): Promise<AckSummary | undefined> {
  const state = await store.deviceState(deviceId);
  if (!state) return undefined;
  const listed = await store.storedBeyond(deviceId, state.contiguousSeq, MAX_RANGES);
  const resend = holesBetween(state.contiguousSeq, listed);
  const horizon = listed.length ? listed[listed.length - 1].last : state.contiguousSeq;
  const later = received.filter((r) => r.first > horizon).sort((a, b) => a.first - b.first);
  const storedBeyond = later.length ? [...listed, ...mergeRanges(later).slice(0, MAX_RANGES * 4)] : listed;
  const payload = encodeAck({
    deviceId,
    storedThrough: state.contiguousSeq,
    storedBeyond,
    resend,
    hubTimeUnixNs: nowMs * 1_000_000,
    hubId,
  });
  return { deviceId, storedThrough: state.contiguousSeq, storedBeyond, resend, payload };
}

/** The seqs missing between the contiguous point and each range held beyond it. Pure. */
export function holesBetween(contiguous: number, beyond: SeqRange[]): SeqRange[] {
  const holes: SeqRange[] = [];
  let next = contiguous + 1;
  for (const r of beyond) {
    if (r.first > next) holes.push({ first: next, last: r.first - 1 });
    next = r.last + 1;
  }
  return holes;
}
