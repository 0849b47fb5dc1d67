// Per device: last seen, online (the state topic, when a running hub knows it), records, unexplained holes,
// rejections, integrity events, key ids and the hub's checkpoint (signed now when the hub's key is at hand).
import { checkpointNote, signCheckpoint, type DeviceKey } from '../../proto/index.js';
import { unexplainedHoles } from '../ingest/index.js';
import type { HubStore, IntegrityEvent, SeqRange } from '../store/index.js';

export interface Presence {
  online: boolean;
  /** When the state topic last said so. */
  sinceMs: number;
}

export interface DeviceReportRow {
  device: string;
  label: string;
  last_seen_ms: number;
  /** null: not known here (a report read from the store, not served by a running hub). */
  online: boolean | null;
  records: number;
  stored_through: number;
  head: number;
  clock_offset_ms: number;
  holes: SeqRange[];
  rejections: number;
  integrity_events: IntegrityEvent[];
  keys: { key_id: string; added_ms: number; revoked_ms: number | null }[];
  revoked: boolean;
  /** The hub's word for this device: stored_through and its record's hash, signed when the hub key is given. */
  checkpoint: { seq: number; hash: string; hub_key_id: string | null; hub_time_ms: number | null; note: string | null; signature: string | null };
}

export interface DeviceReportOptions {
  deviceId?: string;
  presence?: ReadonlyMap<string, Presence>;
  hubKey?: DeviceKey;
  now?: () => number;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export async function deviceReport(store: HubStore, o: DeviceReportOptions = {}): Promise<DeviceReportRow[]> {
  const registry = new Map((await store.listDevices()).map((d) => [d.deviceId, d]));
  const rejections = await store.rejections(10_000);
  const rows: DeviceReportRow[] = [];
  for (const s of await store.deviceStates()) {
    if (o.deviceId !== undefined && s.deviceId !== o.deviceId) continue;
    const cov = await store.coverage(s.deviceId);
    const d = registry.get(s.deviceId);
    let checkpoint: DeviceReportRow['checkpoint'] = { seq: s.contiguousSeq, hash: hex(s.contiguousHash), hub_key_id: null, hub_time_ms: null, note: null, signature: null };
    if (o.hubKey) {
      const timeMs = (o.now ?? Date.now)();
      const fields = { hubKeyId: o.hubKey.keyId, deviceId: s.deviceId, seq: s.contiguousSeq, hash: s.contiguousHash, hubTimeUnixNs: BigInt(timeMs) * 1_000_000n };
      const signed = signCheckpoint(fields, o.hubKey.secretKey);
      checkpoint = { ...checkpoint, hub_key_id: o.hubKey.keyId, hub_time_ms: timeMs, note: Buffer.from(checkpointNote(fields)).toString('utf8'), signature: hex(signed.signature!) };
    }
    rows.push({
      device: s.deviceId, label: d?.label ?? '', last_seen_ms: s.lastSeenMs, online: o.presence?.get(s.deviceId)?.online ?? (o.presence ? false : null),
      records: s.recordsStored, stored_through: s.contiguousSeq, head: s.headSeq, clock_offset_ms: s.clockOffsetMs,
      holes: unexplainedHoles(cov.segments, cov.gaps, s.headSeq),
      rejections: rejections.filter((j) => j.deviceId === s.deviceId).length,
      integrity_events: await store.integrityEvents(100, s.deviceId),
      keys: d?.keys.map((k) => ({ key_id: k.keyId, added_ms: k.addedMs, revoked_ms: k.revokedMs })) ?? [],
      revoked: d ? d.revokedMs !== null : false,
      checkpoint,
    });
  }
  return rows;
}
