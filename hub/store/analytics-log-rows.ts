// The analyst's log rows: one per Handover and per Decision record, with the cell and source they happened in.
// Inserted inside the analyst's batch transaction; keyed by (taxonomy, device, seq), so a rebuild rewrites them.
import type { Kysely, Transaction } from 'kysely';
import type { AggregateFilter } from './analytics-store.js';
import type { HubTables } from './tables.js';

export interface HandoverRow {
  deviceId: string;
  seq: number;
  timeMs: number;
  handoverId: string;
  /** Enum names as in the .proto: REQUESTED, ACCEPTED, ...; AUTONOMY, HUMAN, ...; SYSTEM, OPERATOR, ... */
  phase: string;
  fromMode: string;
  toMode: string;
  fromAuthority: string;
  toAuthority: string;
  initiator: string;
  reason: string;
  requestedMs: number | null;
  acceptedMs: number | null;
  /** The Decision that triggered it, if any. */
  decisionSeq: number | null;
  /** The cell of the latest sample before it (null: none since the last Boot, Gap, Fork or hole). */
  cell: string | null;
  source: string;
}

export interface DecisionRow {
  deviceId: string;
  seq: number;
  timeMs: number;
  verdict: string;
  /** [{name, value, comparator, threshold, pass, unit}] as JSON. */
  criteria: string;
  criteriaVersion: string;
  criteriaHash: string;
  modelId: string;
  modelVersion: string;
  confidence: number | null;
  trigger: string;
  reason: string;
  cell: string | null;
  source: string;
}

const CHUNK = 200;

export async function insertLogRows(trx: Transaction<HubTables>, taxonomy: string, handovers: HandoverRow[], decisions: DecisionRow[]): Promise<void> {
  for (let i = 0; i < handovers.length; i += CHUNK) {
    await trx.insertInto('analytics_handovers').values(handovers.slice(i, i + CHUNK).map((h) => ({
      taxonomy, device_id: h.deviceId, seq: h.seq, time_ms: h.timeMs, handover_id: h.handoverId, phase: h.phase, from_mode: h.fromMode,
      to_mode: h.toMode, from_authority: h.fromAuthority, to_authority: h.toAuthority, initiator: h.initiator, reason: h.reason,
      requested_ms: h.requestedMs, accepted_ms: h.acceptedMs, decision_seq: h.decisionSeq, cell: h.cell, source: h.source,
    }))).execute();
  }
  for (let i = 0; i < decisions.length; i += CHUNK) {
    await trx.insertInto('analytics_decisions').values(decisions.slice(i, i + CHUNK).map((d) => ({
      taxonomy, device_id: d.deviceId, seq: d.seq, time_ms: d.timeMs, verdict: d.verdict, criteria: d.criteria, criteria_version: d.criteriaVersion,
      criteria_hash: d.criteriaHash, model_id: d.modelId, model_version: d.modelVersion, confidence: d.confidence, trigger: d.trigger,
      reason: d.reason, cell: d.cell, source: d.source,
    }))).execute();
  }
}

const num = (v: number | null) => (v === null ? null : Number(v));

export async function handoverRows(db: Kysely<HubTables>, taxonomy: string, f: AggregateFilter = {}): Promise<HandoverRow[]> {
  let q = db.selectFrom('analytics_handovers').selectAll().where('taxonomy', '=', taxonomy);
  if (f.deviceId !== undefined) q = q.where('device_id', '=', f.deviceId);
  if (f.sinceMs !== undefined) q = q.where('time_ms', '>=', f.sinceMs);
  if (f.untilMs !== undefined) q = q.where('time_ms', '<', f.untilMs);
  return (await q.orderBy('device_id').orderBy('seq').execute()).map((r) => ({
    deviceId: r.device_id, seq: Number(r.seq), timeMs: Number(r.time_ms), handoverId: r.handover_id, phase: r.phase, fromMode: r.from_mode,
    toMode: r.to_mode, fromAuthority: r.from_authority, toAuthority: r.to_authority, initiator: r.initiator, reason: r.reason,
    requestedMs: num(r.requested_ms), acceptedMs: num(r.accepted_ms), decisionSeq: num(r.decision_seq), cell: r.cell, source: r.source,
  }));
}

export async function decisionRows(db: Kysely<HubTables>, taxonomy: string, f: AggregateFilter = {}): Promise<DecisionRow[]> {
  let q = db.selectFrom('analytics_decisions').selectAll().where('taxonomy', '=', taxonomy);
  if (f.deviceId !== undefined) q = q.where('device_id', '=', f.deviceId);
  if (f.sinceMs !== undefined) q = q.where('time_ms', '>=', f.sinceMs);
  if (f.untilMs !== undefined) q = q.where('time_ms', '<', f.untilMs);
  return (await q.orderBy('device_id').orderBy('seq').execute()).map((r) => ({
    deviceId: r.device_id, seq: Number(r.seq), timeMs: Number(r.time_ms), verdict: r.verdict, criteria: r.criteria,
    criteriaVersion: r.criteria_version, criteriaHash: r.criteria_hash, modelId: r.model_id, modelVersion: r.model_version,
    confidence: num(r.confidence), trigger: r.trigger, reason: r.reason, cell: r.cell, source: r.source,
  }));
}

export async function deleteLogRows(trx: Transaction<HubTables>, taxonomy?: string): Promise<void> {
  for (const table of ['analytics_handovers', 'analytics_decisions'] as const) {
    let q = trx.deleteFrom(table);
    if (taxonomy !== undefined) q = q.where('taxonomy', '=', taxonomy);
    await q.execute();
  }
}
