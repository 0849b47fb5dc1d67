// The hub store over Kysely: one implementation, the same SQL on SQLite and PostgreSQL.
// Each segment commits in one transaction with its chain bookkeeping, so a crash never half-stores one.
import { sql, type Kysely, type Transaction } from 'kysely';
import { GapReason, GENESIS_HASH, hashEquals } from '../../proto/index.js';
import { KyselyAnalyticsStore, type AnalyticsStore } from './analytics-store.js';
import { migrate } from './migrations.js';
import type {
  CommitResult, CommitVerdict, DeviceKeyRow, DeviceRow, DeviceState, GapToStore, HeldRange, HubStore, IntegrityEvent, Neighbors,
  RejectionRow, SegmentToStore, SeqRange,
} from './store.js';
import type { HubTables } from './tables.js';

type Db = Kysely<HubTables> | Transaction<HubTables>;

export class KyselyHubStore implements HubStore {
  constructor(private readonly db: Kysely<HubTables>, readonly dialect: 'sqlite' | 'postgres', private readonly onClose: () => Promise<void> = async () => {}) {}

  migrate(): Promise<void> {
    return migrate(this.db, this.dialect);
  }

  analytics(): AnalyticsStore {
    return new KyselyAnalyticsStore(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.onClose();
  }

  async addDeviceKey(deviceId: string, keyId: string, publicKey: Uint8Array, label = ''): Promise<{ newDevice: boolean; newKey: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const now = Date.now();
      const device = await trx.selectFrom('devices').select(['device_id', 'revoked_ms']).where('device_id', '=', deviceId).executeTakeFirst();
      if (!device) await trx.insertInto('devices').values({ device_id: deviceId, label, added_ms: now, revoked_ms: null }).execute();
      else if (device.revoked_ms !== null) await trx.updateTable('devices').set({ revoked_ms: null }).where('device_id', '=', deviceId).execute();
      const key = await trx.selectFrom('device_keys').select(['device_id']).where('key_id', '=', keyId).executeTakeFirst();
      if (key && key.device_id !== deviceId) throw new Error(`key ${keyId} is already registered to device "${key.device_id}"`);
      if (!key) await trx.insertInto('device_keys').values({ key_id: keyId, device_id: deviceId, public_key: publicKey, added_ms: now, revoked_ms: null }).execute();
      else await trx.updateTable('device_keys').set({ revoked_ms: null }).where('key_id', '=', keyId).execute();
      return { newDevice: !device, newKey: !key };
    });
  }

  async listDevices(): Promise<DeviceRow[]> {
    const devices = await this.db.selectFrom('devices').selectAll().orderBy('device_id').execute();
    const keys = await this.db.selectFrom('device_keys').selectAll().orderBy('added_ms').execute();
    return devices.map((d) => ({
      deviceId: d.device_id, label: d.label, addedMs: Number(d.added_ms), revokedMs: d.revoked_ms === null ? null : Number(d.revoked_ms),
      keys: keys.filter((k) => k.device_id === d.device_id).map(keyRow),
    }));
  }

  async revokeDevice(deviceId: string): Promise<boolean> {
    const now = Date.now();
    const result = await this.db.updateTable('devices').set({ revoked_ms: now }).where('device_id', '=', deviceId).where('revoked_ms', 'is', null).executeTakeFirst();
    await this.db.updateTable('device_keys').set({ revoked_ms: now }).where('device_id', '=', deviceId).where('revoked_ms', 'is', null).execute();
    return Number(result.numUpdatedRows) > 0;
  }

  async trustedKeys(deviceId: string): Promise<DeviceKeyRow[]> {
    const rows = await this.db.selectFrom('device_keys').innerJoin('devices', 'devices.device_id', 'device_keys.device_id')
      .selectAll('device_keys')
      .where('device_keys.device_id', '=', deviceId).where('device_keys.revoked_ms', 'is', null).where('devices.revoked_ms', 'is', null)
      .execute();
    return rows.map(keyRow);
  }

  async commitSegment(segment: SegmentToStore, decide: (n: Neighbors) => CommitVerdict): Promise<CommitResult> {
    return (await this.commitSegments([segment], (_s, n) => decide(n)))[0];
  }

  async commitSegments(segments: SegmentToStore[], decide: (s: SegmentToStore, n: Neighbors) => CommitVerdict): Promise<CommitResult[]> {
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres') {
        // Lock every device's state row in one order, so concurrent hubs cannot deadlock.
        for (const id of [...new Set(segments.map((s) => s.deviceId))].sort()) await this.lockState(trx, id, segments[0].receivedMs);
      }
      const results: CommitResult[] = [];
      for (const segment of segments) results.push(await this.commitOne(trx, segment, decide));
      return results;
    });
  }

  private async lockState(trx: Transaction<HubTables>, id: string, nowMs: number): Promise<HubTables['device_state']> {
    await trx.insertInto('device_state').values({
      device_id: id, contiguous_seq: 0, contiguous_hash: GENESIS_HASH, head_seq: 0, last_seen_ms: nowMs,
      clock_offset_ms: 0, records_stored: 0, segments_stored: 0,
    }).onConflict((oc) => oc.column('device_id').doNothing()).execute();
    let lock = trx.selectFrom('device_state').selectAll().where('device_id', '=', id);
    if (this.dialect === 'postgres') lock = lock.forUpdate();
    return lock.executeTakeFirstOrThrow();
  }

  private async commitOne(trx: Transaction<HubTables>, segment: SegmentToStore, decide: (s: SegmentToStore, n: Neighbors) => CommitVerdict): Promise<CommitResult> {
    const id = segment.deviceId;
    const row = await this.lockState(trx, id, segment.receivedMs);
    const verdict = decide(segment, await neighbors(trx, segment));
    if (!verdict.ok || verdict.duplicate) return { verdict, state: stateOf(row) };
    await trx.insertInto('segments').values({
      device_id: id, first_seq: segment.firstSeq, last_seq: segment.lastSeq, key_id: segment.keyId,
      first_prev_hash: segment.firstPrevHash, last_hash: segment.lastHash, record_count: segment.records.length,
      raw: segment.raw, received_ms: segment.receivedMs,
    }).execute();
    await insertRecordRows(trx, this.dialect, segment);
    const gaps = await spliceAbandoned(trx, segment, row);
    if (gaps.length) {
      await trx.insertInto('gaps').values(gaps.map((g) => ({
        device_id: id, first_seq: g.firstSeq, last_seq: g.lastSeq, reason: g.reason, first_prev_hash: g.firstPrevHash,
        last_hash: g.lastHash, record_seq: g.recordSeq,
      }))).onConflict((oc) => oc.columns(['device_id', 'first_seq']).doUpdateSet((eb) => ({
        // A later Boot may widen an acknowledged-elsewhere range; it never narrows one.
        last_seq: eb.ref('excluded.last_seq'), last_hash: eb.ref('excluded.last_hash'), record_seq: eb.ref('excluded.record_seq'),
      })).where((eb) => eb('excluded.last_seq', '>', eb.ref('gaps.last_seq')))).execute();
    }
    for (const k of segment.rotatedKeys) {
      await trx.insertInto('device_keys').values({ key_id: k.keyId, device_id: id, public_key: k.publicKey, added_ms: segment.receivedMs, revoked_ms: null })
        .onConflict((oc) => oc.column('key_id').doNothing()).execute();
    }

    const advanced = await advance(trx, id, Number(row.contiguous_seq), row.contiguous_hash);
    const newest = segment.records.reduce((m, r) => Math.max(m, r.timeMs), 0);
    const next = {
      contiguous_seq: advanced.seq,
      contiguous_hash: advanced.hash,
      head_seq: Math.max(Number(row.head_seq), segment.lastSeq),
      last_seen_ms: segment.receivedMs,
      clock_offset_ms: newest ? segment.receivedMs - newest : Number(row.clock_offset_ms),
      records_stored: Number(row.records_stored) + segment.records.length,
      segments_stored: Number(row.segments_stored) + 1,
    };
    await trx.updateTable('device_state').set(next).where('device_id', '=', id).execute();
    return { verdict, state: stateOf({ ...row, ...next }) };
  }

  async deviceState(deviceId: string): Promise<DeviceState | undefined> {
    const row = await this.db.selectFrom('device_state').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    return row && stateOf(row);
  }

  async deviceStates(): Promise<DeviceState[]> {
    return (await this.db.selectFrom('device_state').selectAll().orderBy('device_id').execute()).map(stateOf);
  }

  async storedBeyond(deviceId: string, afterSeq: number, limit: number): Promise<HeldRange[]> {
    const rows = await this.db.selectFrom('segments').select(['first_seq', 'last_seq', 'last_hash'])
      .where('device_id', '=', deviceId).where('first_seq', '>', afterSeq).orderBy('first_seq').limit(limit * 50).execute();
    return mergeRanges(rows.map((r) => ({ first: Number(r.first_seq), last: Number(r.last_seq), lastHash: r.last_hash }))).slice(0, limit);
  }

  async coverage(deviceId: string): Promise<{ segments: SeqRange[]; gaps: SeqRange[] }> {
    const segs = await this.db.selectFrom('segments').select(['first_seq', 'last_seq']).where('device_id', '=', deviceId).orderBy('first_seq').execute();
    const gaps = await this.db.selectFrom('gaps').select(['first_seq', 'last_seq']).where('device_id', '=', deviceId).orderBy('first_seq').execute();
    const range = (r: { first_seq: number; last_seq: number }) => ({ first: Number(r.first_seq), last: Number(r.last_seq) });
    return { segments: segs.map(range), gaps: gaps.map(range) };
  }

  async recordRejection(r: RejectionRow): Promise<void> {
    await this.db.insertInto('rejections').values({
      received_ms: r.receivedMs, topic: r.topic, device_id: r.deviceId, code: r.code, message: r.message,
      first_seq: r.firstSeq, last_seq: r.lastSeq, payload_bytes: r.payloadBytes,
    }).execute();
  }

  async recordIntegrityEvent(e: IntegrityEvent): Promise<void> {
    await this.db.insertInto('integrity_events').values({
      at_ms: e.atMs, device_id: e.deviceId, kind: e.kind, hub_seq: e.hubSeq, device_seq: e.deviceSeq, first_seq: e.firstSeq, last_seq: e.lastSeq, detail: e.detail,
    }).execute();
  }

  async integrityEvents(limit: number, deviceId?: string): Promise<IntegrityEvent[]> {
    let q = this.db.selectFrom('integrity_events').selectAll().orderBy('id', 'desc').limit(limit);
    if (deviceId !== undefined) q = q.where('device_id', '=', deviceId);
    return (await q.execute()).map((r) => ({
      atMs: Number(r.at_ms), deviceId: r.device_id, kind: r.kind as IntegrityEvent['kind'], hubSeq: Number(r.hub_seq), deviceSeq: Number(r.device_seq),
      firstSeq: r.first_seq === null ? null : Number(r.first_seq), lastSeq: r.last_seq === null ? null : Number(r.last_seq), detail: r.detail,
    }));
  }

  async rejections(limit: number): Promise<RejectionRow[]> {
    const rows = await this.db.selectFrom('rejections').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      receivedMs: Number(r.received_ms), topic: r.topic, deviceId: r.device_id, code: r.code, message: r.message,
      firstSeq: r.first_seq === null ? null : Number(r.first_seq), lastSeq: r.last_seq === null ? null : Number(r.last_seq),
      payloadBytes: Number(r.payload_bytes),
    }));
  }

  async countRecords(deviceId?: string): Promise<number> {
    let q = this.db.selectFrom('records').select((eb) => eb.fn.countAll<number>().as('n'));
    if (deviceId !== undefined) q = q.where('device_id', '=', deviceId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  async *rawSegments(deviceId: string, fromSeq = 0): AsyncIterable<{ firstSeq: number; lastSeq: number; raw: Uint8Array; receivedMs: number }> {
    let after = fromSeq - 1;
    for (;;) {
      const rows = await this.db.selectFrom('segments').select(['first_seq', 'last_seq', 'raw', 'received_ms'])
        .where('device_id', '=', deviceId).where('first_seq', '>', after).orderBy('first_seq').limit(100).execute();
      if (rows.length === 0) return;
      for (const r of rows) yield { firstSeq: Number(r.first_seq), lastSeq: Number(r.last_seq), raw: r.raw, receivedMs: Number(r.received_ms) };
      after = Number(rows[rows.length - 1].first_seq);
    }
  }
}

/**
 * Inserts a segment's record index in one statement with one parameter: a JSON array of
 * [seq, kind, time_ms] expanded by the database. Builder-made multi-row inserts cost more to build
 * than to run. The only SQL here that differs by dialect.
 */
async function insertRecordRows(db: Db, dialect: 'sqlite' | 'postgres', s: SegmentToStore): Promise<void> {
  const rows = JSON.stringify(s.records.map((r) => [r.seq, r.kind, r.timeMs]));
  const query = dialect === 'postgres'
    ? sql`INSERT INTO records (device_id, seq, kind, time_ms, segment_first_seq)
        SELECT ${s.deviceId}, (r->>0)::bigint, r->>1, (r->>2)::bigint, ${s.firstSeq}::bigint FROM jsonb_array_elements(${rows}::jsonb) AS r
        ON CONFLICT (device_id, seq) DO NOTHING`
    : sql`INSERT INTO records (device_id, seq, kind, time_ms, segment_first_seq)
        SELECT ${s.deviceId}, value ->> 0, value ->> 1, value ->> 2, ${s.firstSeq} FROM json_each(${rows}) WHERE true
        ON CONFLICT (device_id, seq) DO NOTHING`;
  await query.execute(db);
}

async function neighbors(db: Db, s: SegmentToStore): Promise<Neighbors> {
  const before = await db.selectFrom('segments').select(['last_seq', 'last_hash'])
    .where('device_id', '=', s.deviceId).where('last_seq', '=', s.firstSeq - 1).executeTakeFirst();
  const after = await db.selectFrom('segments').select(['first_seq', 'first_prev_hash'])
    .where('device_id', '=', s.deviceId).where('first_seq', '=', s.lastSeq + 1).executeTakeFirst();
  const overlapping = await db.selectFrom('segments').select(['first_seq', 'last_seq', 'last_hash'])
    .where('device_id', '=', s.deviceId).where('first_seq', '<=', s.lastSeq).where('last_seq', '>=', s.firstSeq).limit(10).execute();
  return {
    before: before && { lastSeq: Number(before.last_seq), lastHash: before.last_hash },
    after: after && { firstSeq: Number(after.first_seq), firstPrevHash: after.first_prev_hash },
    overlapping: overlapping.map((o) => ({ firstSeq: Number(o.first_seq), lastSeq: Number(o.last_seq), lastHash: o.last_hash })),
  };
}

/**
 * Moves the contiguous point forward over stored segments and Gap claims that splice onto it.
 * A Gap that starts exactly at the next seq must splice by hash; one that starts earlier (the hub
 * already held the first part of an evicted range) is trusted as its own sealed record says.
 */
/**
 * Seqs a Fork record abandons come without hashes (the device never held the records around them): they
 * are filed with the hashes of the hub's own neighbours, so the contiguous point can move past them. One
 * whose neighbours are not stored (yet) is left out: the hole stays open, as before.
 */
async function spliceAbandoned(trx: Transaction<HubTables>, segment: SegmentToStore, row: HubTables['device_state']): Promise<GapToStore[]> {
  const out: GapToStore[] = [];
  for (const g of segment.gaps) {
    if (g.reason !== GapReason.FORK_ABANDONED || g.lastHash.length > 0) {
      out.push(g);
      continue;
    }
    const before = g.firstSeq - 1 === Number(row.contiguous_seq) ? row.contiguous_hash
      : (await trx.selectFrom('segments').select('last_hash').where('device_id', '=', segment.deviceId).where('last_seq', '=', g.firstSeq - 1).executeTakeFirst())?.last_hash;
    const after = g.lastSeq + 1 === segment.firstSeq ? segment.firstPrevHash
      : (await trx.selectFrom('segments').select('first_prev_hash').where('device_id', '=', segment.deviceId).where('first_seq', '=', g.lastSeq + 1).executeTakeFirst())?.first_prev_hash;
    if (before && after) out.push({ ...g, firstPrevHash: before, lastHash: after });
  }
  return out;
}

async function advance(db: Db, deviceId: string, seq: number, hash: Uint8Array): Promise<{ seq: number; hash: Uint8Array }> {
  for (;;) {
    const seg = await db.selectFrom('segments').select(['last_seq', 'last_hash', 'first_prev_hash'])
      .where('device_id', '=', deviceId).where('first_seq', '=', seq + 1).executeTakeFirst();
    if (seg && hashEquals(seg.first_prev_hash, hash)) {
      seq = Number(seg.last_seq);
      hash = seg.last_hash;
      continue;
    }
    const gap = await db.selectFrom('gaps').select(['first_seq', 'last_seq', 'first_prev_hash', 'last_hash'])
      .where('device_id', '=', deviceId).where('first_seq', '<=', seq + 1).where('last_seq', '>=', seq + 1)
      .orderBy('last_seq', 'desc').executeTakeFirst();
    if (gap && (Number(gap.first_seq) < seq + 1 || hashEquals(gap.first_prev_hash, hash))) {
      seq = Number(gap.last_seq);
      hash = gap.last_hash;
      continue;
    }
    return { seq, hash };
  }
}

/** Merges sorted ranges that touch or overlap; a merged range keeps the fields (lastHash) of whichever ends last. */
export function mergeRanges<T extends SeqRange>(ranges: T[]): T[] {
  const out: T[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r.first <= last.last + 1) {
      if (r.last > last.last) out[out.length - 1] = { ...r, first: last.first };
    } else out.push({ ...r });
  }
  return out;
}

function keyRow(k: HubTables['device_keys']): DeviceKeyRow {
  return { keyId: k.key_id, deviceId: k.device_id, publicKey: k.public_key, addedMs: Number(k.added_ms), revokedMs: k.revoked_ms === null ? null : Number(k.revoked_ms) };
}

function stateOf(r: HubTables['device_state']): DeviceState {
  return {
    deviceId: r.device_id, contiguousSeq: Number(r.contiguous_seq), contiguousHash: r.contiguous_hash, headSeq: Number(r.head_seq),
    lastSeenMs: Number(r.last_seen_ms), clockOffsetMs: Number(r.clock_offset_ms), recordsStored: Number(r.records_stored),
    segmentsStored: Number(r.segments_stored),
  };
}
