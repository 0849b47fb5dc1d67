// Turns a mission's records into timeline events: every boot, decision, handover, marker, gap and key
// rotation, and conditions summarized (changes only, at most one line per N seconds). Pure.
import { recordToJson, type RecordMessage } from '../../proto/index.js';
import { conditionsKey, summarizeConditions, type ConditionsSummary } from './conditions-summary.js';
import { criterionView, type CriterionView } from './criterion-view.js';

export interface TimelineInput {
  seq: number;
  timeUnixNs: bigint;
  record: RecordMessage;
}

interface At {
  seq: number;
  /** ISO 8601, millisecond precision. */
  time: string;
  time_unix_ns: string;
  /** Seconds since the first record of the mission. */
  t: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type TimelineEvent = At & (
  | { type: 'boot'; agent_version: string; key_id: string; source: string; mission_id: string; vehicle_type: string; scenario: string; hostname: string; acked_through: number }
  | { type: 'conditions'; summary: ConditionsSummary; records: number }
  | { type: 'decision'; verdict: string; risk_level: string; criteria_version: string; trigger: string; reason: string; criteria: CriterionView[]; failing: string[] }
  | { type: 'handover'; handover_id: string; phase: string; from_mode: string; to_mode: string; from_authority: string; to_authority: string; initiator: string; reason: string; operator_id: string; decision_seq: number }
  | { type: 'marker'; kind: string; severity: string; text: string; tags: Record<string, string> }
  | { type: 'gap'; first_seq: number; last_seq: number; reason: string; bytes_lost: number; detail: string }
  | { type: 'key_rotation'; old_key_id: string; new_key_id: string; reason: string }
);

export interface TimelineSummary {
  type: 'summary';
  records: number;
  first_seq?: number;
  last_seq?: number;
  start?: string;
  end?: string;
  duration_s: number;
  kinds: Record<string, number>;
  decisions: { go: number; no_go: number };
}

export interface TimelineOptions {
  /** At most one conditions line per this many seconds; 0 = a line on every change. */
  everyS: number;
}

export class TimelineBuilder {
  private t0: bigint | undefined;
  private latest: ConditionsSummary = {};
  private latestKey: string | undefined;
  private latestAt: At | undefined;
  private printedKey: string | undefined;
  private lastLineT = -Infinity;
  private folded = 0;
  private readonly summary: TimelineSummary = { type: 'summary', records: 0, duration_s: 0, kinds: {}, decisions: { go: 0, no_go: 0 } };

  constructor(private readonly options: TimelineOptions) {}

  /** The events one record brings: none, one, or a held-back conditions line followed by the record's own. */
  push(input: TimelineInput): TimelineEvent[] {
    const at = this.at(input);
    const kind = input.record.body ?? 'none';
    const s = this.summary;
    s.records++;
    s.kinds[kind] = (s.kinds[kind] ?? 0) + 1;
    s.first_seq ??= input.seq;
    s.last_seq = input.seq;
    s.start ??= at.time;
    s.end = at.time;
    s.duration_s = at.t;
    if (kind === 'health' || kind === 'none') return [];
    if (kind === 'conditions') {
      this.latest = summarizeConditions(this.latest, input.record.conditions ?? {});
      this.latestKey = conditionsKey(this.latest);
      this.latestAt = at;
      this.folded++;
      const changed = this.latestKey !== this.printedKey;
      return changed && at.t - this.lastLineT >= this.options.everyS ? [this.conditionsLine()] : [];
    }
    const events = this.pendingConditions();
    const event = this.eventOf(kind, recordToJson(input.record) as Json, at);
    if (event) events.push(event);
    return events;
  }

  /** Whatever conditions change is still held back, then the mission's totals. */
  finish(): { events: TimelineEvent[]; summary: TimelineSummary } {
    return { events: this.pendingConditions(), summary: this.summary };
  }

  private at(input: TimelineInput): At {
    this.t0 ??= input.timeUnixNs;
    return {
      seq: input.seq,
      time: isoOf(input.timeUnixNs),
      time_unix_ns: input.timeUnixNs.toString(),
      t: secondsSince(this.t0, input.timeUnixNs),
    };
  }

  private pendingConditions(): TimelineEvent[] {
    return this.latestAt && this.latestKey !== this.printedKey ? [this.conditionsLine()] : [];
  }

  private conditionsLine(): TimelineEvent {
    const at = this.latestAt!;
    this.printedKey = this.latestKey;
    this.lastLineT = at.t;
    const records = this.folded;
    this.folded = 0;
    return { ...at, type: 'conditions', summary: { ...this.latest }, records };
  }

  private eventOf(kind: string, json: Json, at: At): TimelineEvent | undefined {
    switch (kind) {
      case 'boot': {
        const b = json.boot ?? {};
        const p = b.provenance ?? {};
        return {
          ...at, type: 'boot', agent_version: b.agentVersion ?? '', key_id: b.keyId ?? '', source: p.source ?? 'SOURCE_UNSPECIFIED',
          mission_id: p.missionId ?? '', vehicle_type: p.vehicleType ?? '', scenario: p.scenario ?? '', hostname: b.hostname ?? '',
          acked_through: Number(b.ackedThrough ?? 0),
        };
      }
      case 'decision': {
        const d = json.decision ?? {};
        const criteria = ((d.criteria ?? []) as Json[]).map(criterionView);
        const verdict = d.verdict ?? 'VERDICT_UNSPECIFIED';
        if (verdict === 'GO') this.summary.decisions.go++;
        if (verdict === 'NO_GO') this.summary.decisions.no_go++;
        return {
          ...at, type: 'decision', verdict, risk_level: d.riskLevel ?? '', criteria_version: d.criteriaVersion ?? '',
          trigger: d.trigger ?? 'TRIGGER_UNSPECIFIED', reason: d.reason ?? '', criteria, failing: criteria.filter((c) => !c.pass).map((c) => c.name),
        };
      }
      case 'handover': {
        const h = json.handover ?? {};
        return {
          ...at, type: 'handover', handover_id: h.handoverId ?? '', phase: h.phase ?? 'PHASE_UNSPECIFIED', from_mode: h.fromMode ?? '', to_mode: h.toMode ?? '',
          from_authority: h.fromAuthority ?? 'AUTHORITY_UNSPECIFIED', to_authority: h.toAuthority ?? 'AUTHORITY_UNSPECIFIED',
          initiator: h.initiator ?? 'INITIATOR_UNSPECIFIED', reason: h.reason ?? '', operator_id: h.operatorId ?? '', decision_seq: Number(h.decisionSeq ?? 0),
        };
      }
      case 'marker': {
        const m = json.marker ?? {};
        return { ...at, type: 'marker', kind: m.kind ?? '', severity: m.severity ?? 'SEVERITY_UNSPECIFIED', text: m.text ?? '', tags: m.tags ?? {} };
      }
      case 'gap': {
        const g = json.gap ?? {};
        return {
          ...at, type: 'gap', first_seq: Number(g.firstSeq ?? 0), last_seq: Number(g.lastSeq ?? 0), reason: g.reason ?? 'REASON_UNSPECIFIED',
          bytes_lost: Number(g.bytesLost ?? 0), detail: g.detail ?? '',
        };
      }
      case 'keyRotation': {
        const k = json.keyRotation ?? {};
        return { ...at, type: 'key_rotation', old_key_id: k.oldKeyId ?? '', new_key_id: k.newKeyId ?? '', reason: k.reason ?? '' };
      }
      default:
        return undefined;
    }
  }
}

/** Seconds from the mission's first record time to this one, to the millisecond. */
export function secondsSince(t0: bigint, timeUnixNs: bigint): number {
  return Math.round(Number(timeUnixNs - t0) / 1e6) / 1e3;
}

/** A record time as ISO 8601 (millisecond precision; the exact ns are in time_unix_ns). */
export function isoOf(timeUnixNs: bigint): string {
  const ms = Number(timeUnixNs / 1_000_000n);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : `${timeUnixNs}ns`;
}
