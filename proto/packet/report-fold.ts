// The reports a packet carries, computed from its records alone: per cell and source the samples, exposure,
// go/no-go and handovers; the decision and handover logs; per device the records, kinds and holes with the
// claims that explain them. The hub runs it while exporting and the verifier while checking: one code. Pure.
import { claimsOfRecord, gapsExplain, type GapClaim, type Hole } from '../chain.js';
import { decodeRecord, schema, toBigInt, DecodeError, type Envelope, type U64 } from '../codec.js';
import { decodeConditionsFields } from '../conditions-decoder.js';
import { GENESIS_HASH, sha256, toHex } from '../hash.js';
import { cellKey, classifier, UNKNOWN_LEVEL, type Classifier } from '../odd-classify.js';
import type { PacketTaxonomy } from './packet-taxonomy.js';

/** Where evidence comes from (Provenance.Source of the device's latest Boot); none yet: unspecified. */
export const SOURCES = ['field', 'simulation', 'replay', 'unspecified'] as const;
export type Source = (typeof SOURCES)[number];

export function sourceOf(n: number | null | undefined): Source {
  return n === 1 ? 'field' : n === 2 ? 'simulation' : n === 3 ? 'replay' : 'unspecified';
}

export interface CellStats {
  /** Conditions samples filed under the cell. */
  samples: number;
  /** Time the vehicle spent in the cell, in whole milliseconds (integers keep merges exact). */
  exposure_ms: number;
  go: number;
  no_go: number;
  handovers: number;
}

export interface CellsReport {
  taxonomy: { id: string; fingerprint: string };
  dimensions: string[];
  /** Cell key (levels joined by "/") -> source -> figures; only cells and sources with something. */
  cells: Record<string, Partial<Record<Source, CellStats>>>;
  totals: Record<Source | 'all', CellStats>;
}

export interface CriterionRow {
  name: string;
  value: number | null;
  comparator: string;
  threshold: number;
  pass: boolean;
  unit: string;
}

export interface DecisionRow {
  device: string;
  seq: number;
  time_ms: number;
  verdict: string;
  criteria: CriterionRow[];
  criteria_version: string;
  criteria_hash: string;
  model_id: string;
  model_version: string;
  confidence: number | null;
  trigger: string;
  reason: string;
  cell: string | null;
  source: Source;
}

export interface HandoverRow {
  device: string;
  seq: number;
  time_ms: number;
  handover_id: string;
  phase: string;
  from_mode: string;
  to_mode: string;
  from_authority: string;
  to_authority: string;
  initiator: string;
  reason: string;
  requested_ms: number | null;
  accepted_ms: number | null;
  decision_seq: number | null;
  latency_ms: number | null;
  cell: string | null;
  source: Source;
}

export interface HoleRow {
  first_seq: number;
  last_seq: number;
  explained: boolean;
  claims: { first_seq: number; last_seq: number; reason: string; record_seq: number }[];
}

export interface DeviceRow {
  device: string;
  first_seq: number;
  last_seq: number;
  records: number;
  segments: number;
  kinds: Record<string, number>;
  /** Records whose body does not decode: counted here, and in nothing else. */
  undecodable: number;
  holes: HoleRow[];
}

/** Where the fold's rows go: the exporter writes them, the verifier compares them with the packet's. */
export interface RowSink {
  decision(row: DecisionRow): void;
  handover(row: HandoverRow): void;
}

const emptyStats = (): CellStats => ({ samples: 0, exposure_ms: 0, go: 0, no_go: 0, handovers: 0 });
const STAT_KEYS = ['samples', 'exposure_ms', 'go', 'no_go', 'handovers'] as const;

interface Pending {
  cell: string;
  source: Source;
  timeMs: number;
}

/** One device's fold state: the analyst's cursor (hub/analytics/analyst-fold.ts), plus the tally and holes. */
interface DeviceState {
  device: string;
  firstSeq: number;
  seq: number;
  source: Source;
  cell: string | null;
  pending: Pending | null;
  requested: Map<string, number>;
  records: number;
  segments: number;
  kinds: Record<string, number>;
  undecodable: number;
  lastBytes: Uint8Array | undefined;
  holes: Hole[];
  claims: GapClaim[];
}

export class PacketReportFold {
  private readonly classify: Classifier;
  private readonly unknownCell: string;
  private readonly cells = new Map<string, Partial<Record<Source, CellStats>>>();
  private d: DeviceState | undefined;

  constructor(private readonly taxonomy: PacketTaxonomy, private readonly sink: RowSink) {
    this.classify = classifier(taxonomy);
    this.unknownCell = cellKey(taxonomy.dimensions.map(() => UNKNOWN_LEVEL));
  }

  /** Starts a device whose packet begins at `firstSeq` (1: the chain from its start). */
  beginDevice(device: string, firstSeq: number): void {
    this.d = {
      device, firstSeq, seq: firstSeq - 1, source: 'unspecified', cell: null, pending: null, requested: new Map(),
      records: 0, segments: 0, kinds: {}, undecodable: 0, lastBytes: undefined, holes: [], claims: [],
    };
  }

  segment(): void {
    this.device().segments++;
  }

  /** One record of the device, in seq order; a record at or below the last one folded (a repeat) is skipped. */
  record(bytes: Uint8Array, env: Envelope): void {
    const d = this.device();
    if (env.seq <= d.seq) return;
    if (env.seq !== d.seq + 1) {
      const hashBefore = d.lastBytes ? sha256(d.lastBytes) : d.firstSeq === 1 ? GENESIS_HASH : undefined;
      d.holes.push({ first: d.seq + 1, last: env.seq - 1, hashBefore, prevHashAfter: env.prevHash });
      this.cut(null);
      d.cell = null;
    }
    const timeMs = Number(env.timeUnixNs / 1_000_000n);
    const body = env.body ?? EMPTY;
    const kind = env.kind ?? 'none';
    d.kinds[kind] = (d.kinds[kind] ?? 0) + 1;
    try {
      this.body(env, bytes, body, timeMs);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      d.undecodable++;
    }
    d.seq = env.seq;
    d.lastBytes = bytes;
    d.records++;
  }

  /** What a record's body does to the fold. Decodes first, so a body that does not decode changes nothing. */
  private body(env: Envelope, bytes: Uint8Array, body: Uint8Array, timeMs: number): void {
    const d = this.device();
    switch (env.kind) {
      case 'conditions': {
        const cell = this.classify.cell(decodeConditionsFields(body));
        this.cut(timeMs);
        this.add(cell, d.source, { samples: 1 });
        d.cell = cell;
        d.pending = { cell, source: d.source, timeMs };
        break;
      }
      case 'boot': {
        const record = decodeRecord(bytes);
        this.cut(timeMs);
        d.source = sourceOf(record.boot?.provenance?.source);
        d.cell = null;
        d.claims.push(...claimsOfRecord(env.seq, record));
        break;
      }
      case 'gap':
      case 'fork': {
        const claims = claimsOfRecord(env.seq, decodeRecord(bytes));
        this.cut(timeMs);
        d.cell = null;
        d.claims.push(...claims);
        break;
      }
      case 'decision':
        this.decision(env.seq, timeMs, body);
        break;
      case 'handover':
        this.handover(env.seq, timeMs, body);
        break;
      default:
        break;
    }
  }

  /** Ends the device: its row of the devices report. A sample still pending has no exposure yet (as at the hub). */
  endDevice(): DeviceRow {
    const d = this.device();
    this.d = undefined;
    return {
      device: d.device, first_seq: d.firstSeq, last_seq: d.seq, records: d.records, segments: d.segments,
      kinds: Object.fromEntries(Object.entries(d.kinds).sort(([a], [b]) => (a < b ? -1 : 1))), undecodable: d.undecodable,
      holes: d.holes.map((h) => {
        const explained = gapsExplain(d.claims, h);
        return {
          first_seq: h.first, last_seq: h.last, explained,
          claims: explained ? d.claims.filter((c) => c.firstSeq >= h.first && c.lastSeq <= h.last)
            .map((c) => ({ first_seq: c.firstSeq, last_seq: c.lastSeq, reason: gapReasonName(c.reason), record_seq: c.recordSeq })) : [],
        };
      }),
    };
  }

  cellsReport(): CellsReport {
    const totals = { all: emptyStats() } as Record<Source | 'all', CellStats>;
    for (const s of SOURCES) totals[s] = emptyStats();
    const cells: CellsReport['cells'] = {};
    for (const key of [...this.cells.keys()].sort()) {
      const bySource = this.cells.get(key)!;
      cells[key] = bySource;
      for (const s of SOURCES) {
        for (const k of STAT_KEYS) {
          totals[s][k] += bySource[s]?.[k] ?? 0;
          totals.all[k] += bySource[s]?.[k] ?? 0;
        }
      }
    }
    return { taxonomy: { id: this.taxonomy.id, fingerprint: this.taxonomy.fingerprint }, dimensions: this.taxonomy.dimensions.map((x) => x.name), cells, totals };
  }

  private decision(seq: number, timeMs: number, body: Uint8Array): void {
    const d = this.device();
    const m = decoded('decision', () => schema.Decision.decode(body));
    const V = schema.Decision.Verdict;
    this.sink.decision({
      device: d.device, seq, time_ms: timeMs, verdict: nameOf(V, m.verdict),
      criteria: m.criteria.map((x) => ({
        name: x.name ?? '', value: x.value ?? null, comparator: nameOf(schema.Criterion.Comparator, x.comparator), threshold: x.threshold ?? 0, pass: x.pass ?? false, unit: x.unit ?? '',
      })),
      criteria_version: m.criteriaVersion, criteria_hash: toHex(m.criteriaHash), model_id: m.modelId, model_version: m.modelVersion,
      confidence: m.confidence ?? null, trigger: nameOf(schema.Decision.Trigger, m.trigger), reason: m.reason, cell: d.cell, source: d.source,
    });
    if (m.verdict === V.GO) this.add(d.cell ?? this.unknownCell, d.source, { go: 1 });
    else if (m.verdict === V.NO_GO) this.add(d.cell ?? this.unknownCell, d.source, { no_go: 1 });
  }

  private handover(seq: number, timeMs: number, body: Uint8Array): void {
    const d = this.device();
    const h = decoded('handover', () => schema.Handover.decode(body));
    const H = schema.Handover;
    const requestedMs = msOrNull(h.requestedUnixNs);
    const acceptedMs = msOrNull(h.acceptedUnixNs);
    const asked = h.handoverId ? d.requested.get(h.handoverId) : undefined;
    const latencyMs = requestedMs !== null && acceptedMs !== null ? acceptedMs - requestedMs
      : h.phase !== H.Phase.REQUESTED && asked !== undefined ? timeMs - asked : null;
    if (h.phase === H.Phase.REQUESTED && h.handoverId) d.requested.set(h.handoverId, timeMs);
    this.sink.handover({
      device: d.device, seq, time_ms: timeMs, handover_id: h.handoverId, phase: nameOf(H.Phase, h.phase), from_mode: h.fromMode, to_mode: h.toMode,
      from_authority: nameOf(H.Authority, h.fromAuthority), to_authority: nameOf(H.Authority, h.toAuthority), initiator: nameOf(H.Initiator, h.initiator),
      reason: h.reason, requested_ms: requestedMs, accepted_ms: acceptedMs, decision_seq: Number(toBigInt(h.decisionSeq)) || null,
      latency_ms: latencyMs, cell: d.cell, source: d.source,
    });
    // one handover is several records (requested, then accepted, rejected or timed out): count the transfers
    if (h.phase === H.Phase.ACCEPTED) this.add(d.cell ?? this.unknownCell, d.source, { handovers: 1 });
  }

  /** Closes the pending sample's exposure at `atMs` (capped), or with none when the time is unknown (a hole). */
  private cut(atMs: number | null): void {
    const d = this.device();
    const p = d.pending;
    if (!p) return;
    d.pending = null;
    const exposure = atMs === null ? 0 : Math.min(this.taxonomy.exposure_cap_ms, Math.max(0, atMs - p.timeMs));
    if (exposure > 0) this.add(p.cell, p.source, { exposure_ms: exposure });
  }

  private add(cell: string, source: Source, delta: Partial<CellStats>): void {
    let bySource = this.cells.get(cell);
    if (!bySource) this.cells.set(cell, (bySource = {}));
    const stats = (bySource[source] ??= emptyStats());
    for (const k of STAT_KEYS) stats[k] += delta[k] ?? 0;
  }

  private device(): DeviceState {
    if (!this.d) throw new Error('PacketReportFold: beginDevice() first');
    return this.d;
  }
}

const EMPTY = new Uint8Array(0);
const GAP_REASONS: Record<number, string> = { 1: 'QUOTA_EVICTION', 2: 'ACKNOWLEDGED_ELSEWHERE', 3: 'OUTBOX_DAMAGED', 4: 'FORK_ABANDONED' };

export function gapReasonName(reason: number): string {
  return GAP_REASONS[reason] ?? String(reason);
}

/** An enum value's name as in the .proto (the generated enums map names to numbers). */
function nameOf(e: object, v: number | null | undefined): string {
  return Object.entries(e).find(([, x]) => x === (v ?? 0))?.[0] ?? String(v);
}

/** A body decoded by protobufjs, its errors as DecodeError (the fold counts such a record as undecodable). */
function decoded<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    throw new DecodeError(what, err);
  }
}

/** Unix ns as ms; 0 (not set) as null. */
function msOrNull(ns: U64 | null | undefined): number | null {
  const ms = Number(toBigInt(ns) / 1_000_000n);
  return ms > 0 ? ms : null;
}
