// The records behind a figure: a device's stored records in a seq range, decoded, each with its segment,
// its seal status (re-verified on request against the registered keys) and whether the hub's checkpoint covers it.
import { bodyKind, decodeRecord, decodeSegment, KeyRing, recordToJson, toBigInt, toNumber, verifyChain, type SealMessage } from '../../proto/index.js';
import type { HubStore } from '../store/index.js';

export interface RecordQuery {
  deviceId: string;
  fromSeq: number;
  toSeq: number;
  /** Records returned at most (default 100, at most 1000). */
  limit?: number;
  /** Re-verify each segment's seal and links now. */
  verify?: boolean;
}

export interface RecordView {
  seq: number;
  time_ms: number;
  kind: string;
  /** The record as JSON: enums by name, 64-bit values as strings, bytes as hex. */
  record: Record<string, unknown>;
  segment: { first_seq: number; last_seq: number; key_id: string };
  /** 'not checked' unless asked; then 'verified', or 'failed: <what>'. */
  seal: string;
  /** Whether the hub's signed checkpoint (stored_through) covers this seq. */
  checkpoint: { covered: boolean; stored_through: number };
}

export interface RecordPage {
  device: string;
  from_seq: number;
  to_seq: number;
  rows: RecordView[];
  /** More records in the range beyond `limit`: ask again from the next seq. */
  next_seq: number | null;
}

export const MAX_RECORDS = 1000;

export async function recordsOf(store: HubStore, q: RecordQuery): Promise<RecordPage> {
  const limit = Math.min(q.limit ?? 100, MAX_RECORDS);
  const state = await store.deviceState(q.deviceId);
  const storedThrough = state?.contiguousSeq ?? 0;
  const keys = q.verify ? new KeyRing((await store.listDevices()).find((d) => d.deviceId === q.deviceId)?.keys.map((k) => k.publicKey) ?? []) : undefined;
  const rows: RecordView[] = [];
  let next: number | null = null;
  let after = q.fromSeq - 1;
  while (next === null && rows.length < limit + 1) {
    const segments = await store.analytics().segmentsBetween(q.deviceId, after, q.toSeq, 16);
    if (segments.length === 0) break;
    for (const s of segments) {
      const message = decodeSegment(s.raw);
      const seal = message.seal as SealMessage;
      const segment = { first_seq: s.firstSeq, last_seq: s.lastSeq, key_id: seal.keyId };
      const status = keys ? sealStatus(q.deviceId, message.records, seal, keys) : 'not checked';
      for (const bytes of message.records) {
        const record = decodeRecord(bytes);
        const seq = toNumber(record.seq);
        if (seq < q.fromSeq || seq > q.toSeq) continue;
        if (rows.length === limit) {
          next = seq;
          break;
        }
        rows.push({
          seq, time_ms: Number(toBigInt(record.timeUnixNs) / 1_000_000n), kind: bodyKind(record) ?? 'none', record: recordToJson(record),
          segment, seal: status, checkpoint: { covered: seq <= storedThrough, stored_through: storedThrough },
        });
      }
      if (next !== null) break;
      after = s.lastSeq;
    }
  }
  return { device: q.deviceId, from_seq: q.fromSeq, to_seq: q.toSeq, rows, next_seq: next };
}

/** One segment's seal and inner links, against every key ever registered for the device. */
function sealStatus(deviceId: string, records: Uint8Array[], seal: SealMessage, keys: KeyRing): string {
  const r = verifyChain({ deviceId, segments: [{ records, seal }], keys });
  return r.ok ? 'verified' : `failed: ${r.problems.map((p) => `seq ${p.seq}: ${p.message}`).join('; ')}`;
}
