// The handover log as the reports and the HTTP API show it: filtered, paged, with each transfer's latency,
// and one handover's detail (its decision, the conditions either side, the boundary window of records).
import type { Taxonomy } from '../../config/odd-config.js';
import type { AggregateFilter, DecisionRow, HandoverRow, HubStore } from '../store/index.js';
import { recordsOf, type RecordView } from './records.js';

export interface HandoverFilter extends AggregateFilter {
  /** REQUESTED, ACCEPTED, REJECTED, TIMED_OUT (case-insensitive). */
  phase?: string;
  /** SYSTEM, OPERATOR, SAFETY. */
  initiator?: string;
  /** The authority control passes to (AUTONOMY, HUMAN, SAFETY_MONITOR): the direction. */
  to?: string;
  /** Reason contains this text. */
  reason?: string;
  /** Happened in this cell (its key, e.g. rain/day/low/none/good). */
  cell?: string;
  limit?: number;
  offset?: number;
}

export interface HandoverLogRow extends HandoverRow {
  /** Request to acceptance: the record's own times, else from its REQUESTED record (same id) to this one. */
  latencyMs: number | null;
}

export interface HandoverLog {
  /** Rows matching the filter, before paging. */
  total: number;
  rows: HandoverLogRow[];
}

/** Latency per row: pure, over every row of the devices concerned (a REQUESTED record may fall before `since`). */
export function withLatency(all: HandoverRow[]): HandoverLogRow[] {
  const requested = new Map(all.filter((h) => h.phase === 'REQUESTED' && h.handoverId).map((h) => [`${h.deviceId}|${h.handoverId}`, h.timeMs]));
  return all.map((h) => {
    const asked = requested.get(`${h.deviceId}|${h.handoverId}`);
    const latencyMs = h.requestedMs !== null && h.acceptedMs !== null ? h.acceptedMs - h.requestedMs
      : h.phase !== 'REQUESTED' && asked !== undefined ? h.timeMs - asked : null;
    return { ...h, latencyMs };
  });
}

/** Filters and pages handover rows (pure); rows stay in device and seq order. */
export function filterHandovers(rows: HandoverLogRow[], f: HandoverFilter): HandoverLog {
  const up = (v?: string) => v?.toUpperCase();
  const kept = rows.filter((h) => (f.sinceMs === undefined || h.timeMs >= f.sinceMs) && (f.untilMs === undefined || h.timeMs < f.untilMs)
    && (!f.phase || h.phase === up(f.phase)) && (!f.initiator || h.initiator === up(f.initiator))
    && (!f.to || h.toAuthority === up(f.to)) && (!f.reason || h.reason.toLowerCase().includes(f.reason.toLowerCase()))
    && (f.cell === undefined || h.cell === f.cell));
  const offset = f.offset ?? 0;
  return { total: kept.length, rows: f.limit === undefined ? kept.slice(offset) : kept.slice(offset, offset + f.limit) };
}

export async function handoverLog(store: HubStore, taxonomy: Taxonomy, f: HandoverFilter = {}): Promise<HandoverLog> {
  // the time filter is applied after latency: a transfer accepted in the window may have been requested before it
  const all = await store.analytics().handovers(taxonomy.fingerprint, { deviceId: f.deviceId });
  return filterHandovers(withLatency(all), f);
}

export interface HandoverDetail {
  handover: HandoverLogRow;
  /** The Decision record that triggered it (decision_seq), when the analyst has it. */
  decision: (Omit<DecisionRow, 'criteria'> & { criteria: unknown }) | null;
  /** The last Conditions record before the handover and the first after it, decoded. */
  conditions_before: RecordView | null;
  conditions_after: RecordView | null;
  /** The boundary window: the records from the triggering decision (or WINDOW before) to WINDOW after. */
  window: { first_seq: number; last_seq: number };
}

/** Records either side of a handover that the detail view lists. */
export const HANDOVER_WINDOW = 10;

export async function handoverDetail(store: HubStore, taxonomy: Taxonomy, deviceId: string, seq: number): Promise<HandoverDetail | undefined> {
  const rows = withLatency(await store.analytics().handovers(taxonomy.fingerprint, { deviceId }));
  const handover = rows.find((h) => h.seq === seq);
  if (!handover) return undefined;
  const d = handover.decisionSeq === null ? undefined
    : (await store.analytics().decisions(taxonomy.fingerprint, { deviceId })).find((x) => x.seq === handover.decisionSeq);
  const first = Math.max(1, Math.min(seq - HANDOVER_WINDOW, handover.decisionSeq ?? seq));
  const last = seq + HANDOVER_WINDOW;
  const near = await recordsOf(store, { deviceId, fromSeq: Math.max(1, first - 50), toSeq: last + 50, limit: 200 });
  const before = near.rows.filter((r) => r.kind === 'conditions' && r.seq < seq).at(-1) ?? null;
  const after = near.rows.find((r) => r.kind === 'conditions' && r.seq > seq) ?? null;
  return {
    handover,
    decision: d ? { ...d, criteria: JSON.parse(d.criteria) as unknown } : null,
    conditions_before: before,
    conditions_after: after,
    window: { first_seq: first, last_seq: last },
  };
}
