// The slow, obvious recomputation the analyst is held to: every stored record of every device up to its
// contiguous seq, each figure found by looking around each record rather than by carrying state.
import { CONDITIONS_FIELDS, type Taxonomy } from '../../config/odd-config.js';
import { binOf, classify, sourceOf } from '../../hub/analytics/index.js';
import type { CellAggregateRow, HistogramBinRow, HubStore } from '../../hub/store/index.js';
import { bodyKind, decodeRecord, decodeSegment, toBigInt, toNumber, type RecordMessage } from '../../proto/index.js';

const HOUR = 3_600_000;

/** `through`: per device, the last seq to count (default: its contiguous seq). */
/** What the decision and handover logs must hold, per record: its kind, seq, cell (null: none) and source. */
export interface LogEntry {
  kind: 'decision' | 'handover';
  deviceId: string;
  seq: number;
  cell: string | null;
  source: string;
  /** verdict, or phase and handover id */
  what: string;
}

export async function bruteForceRows(store: HubStore, taxonomy: Taxonomy, capMs = 5000, through?: Map<string, number>, log: LogEntry[] = []): Promise<CellAggregateRow[]> {
  const sums = new Map<string, CellAggregateRow>();
  const add = (deviceId: string, timeMs: number, cell: string, source: string, k: 'samples' | 'exposure_ms' | 'go' | 'no_go' | 'handovers', v: number) => {
    if (v === 0) return;
    const bucketMs = Math.floor(timeMs / HOUR) * HOUR;
    const key = JSON.stringify([deviceId, bucketMs, cell, source]);
    const row = sums.get(key) ?? { deviceId, bucketMs, cell, source, samples: 0, exposure_ms: 0, go: 0, no_go: 0, handovers: 0 };
    row[k] += v;
    sums.set(key, row);
  };
  const unknown = taxonomy.dimensions.map(() => 'unknown').join('/');
  for (const state of await store.deviceStates()) {
    const bySeq = new Map<number, RecordMessage>();
    for await (const s of store.rawSegments(state.deviceId)) {
      for (const bytes of decodeSegment(s.raw).records) {
        const rec = decodeRecord(bytes);
        if (toNumber(rec.seq) <= (through ? (through.get(state.deviceId) ?? 0) : state.contiguousSeq)) bySeq.set(toNumber(rec.seq), rec);
      }
    }
    const recs = [...bySeq.values()].sort((a, b) => toNumber(a.seq) - toNumber(b.seq));
    const timeOf = (r: RecordMessage) => Number(toBigInt(r.timeUnixNs) / 1_000_000n);
    const cutting = (r: RecordMessage) => ['conditions', 'boot', 'gap', 'fork'].includes(bodyKind(r) ?? '');
    recs.forEach((r, i) => {
      const kind = bodyKind(r);
      // the source: the latest Boot at or before this record, holes or not
      let source = 'unspecified';
      for (let j = i; j >= 0; j--) {
        if (bodyKind(recs[j]) === 'boot') {
          source = sourceOf(recs[j].boot!.provenance?.source);
          break;
        }
      }
      if (kind === 'conditions') {
        const cell = classify(taxonomy, r.conditions!).join('/');
        add(state.deviceId, timeOf(r), cell, source, 'samples', 1);
        // exposure: to the next record that closes it, if no seq is missing before it
        const next = recs.slice(i + 1).find(cutting);
        if (next) {
          const between = recs.slice(i, recs.indexOf(next) + 1);
          const unbroken = between.every((x, k) => k === 0 || toNumber(x.seq) === toNumber(between[k - 1].seq) + 1);
          if (unbroken) add(state.deviceId, timeOf(r), cell, source, 'exposure_ms', Math.min(capMs, Math.max(0, timeOf(next) - timeOf(r))));
        }
      }
      if (kind === 'decision' || kind === 'handover') {
        // the cell: the latest Conditions with no Boot, Gap, Fork or missing seq since
        let found: string | null = null;
        for (let j = i - 1; j >= 0; j--) {
          if (toNumber(recs[j + 1].seq) !== toNumber(recs[j].seq) + 1) break;
          const k = bodyKind(recs[j]);
          if (k === 'conditions') {
            found = classify(taxonomy, recs[j].conditions!).join('/');
            break;
          }
          if (k === 'boot' || k === 'gap' || k === 'fork') break;
        }
        // a record right after a hole has no cell either
        if (i > 0 && toNumber(recs[i].seq) !== toNumber(recs[i - 1].seq) + 1) found = null;
        const cell = found ?? unknown;
        const what = kind === 'decision' ? String(r.decision!.verdict) : `${r.handover!.phase} ${r.handover!.handoverId}`;
        log.push({ kind, deviceId: state.deviceId, seq: toNumber(r.seq), cell: found, source, what });
        if (kind === 'decision') add(state.deviceId, timeOf(r), cell, source, r.decision!.verdict === 1 ? 'go' : 'no_go', r.decision!.verdict === 1 || r.decision!.verdict === 2 ? 1 : 0);
        else if (r.handover!.phase === 2) add(state.deviceId, timeOf(r), cell, source, 'handovers', 1);
      }
    });
  }
  return [...sums.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId) || a.bucketMs - b.bucketMs || (a.cell < b.cell ? -1 : a.cell > b.cell ? 1 : 0) || (a.source < b.source ? -1 : 1));
}

/** Per device, hour, source (its latest Boot's), feature and bin: the Conditions samples up to `through` (default contiguous). */
export async function bruteForceBins(store: HubStore, taxonomy: Taxonomy, through?: Map<string, number>): Promise<HistogramBinRow[]> {
  const sums = new Map<string, HistogramBinRow>();
  for (const state of await store.deviceStates()) {
    const limit = through ? (through.get(state.deviceId) ?? 0) : state.contiguousSeq;
    const bySeq = new Map<number, RecordMessage>();
    for await (const s of store.rawSegments(state.deviceId)) {
      for (const bytes of decodeSegment(s.raw).records) {
        const rec = decodeRecord(bytes);
        if (toNumber(rec.seq) <= limit) bySeq.set(toNumber(rec.seq), rec);
      }
    }
    let source = 'unspecified';
    for (const r of [...bySeq.values()].sort((a, b) => toNumber(a.seq) - toNumber(b.seq))) {
      if (bodyKind(r) === 'boot') source = sourceOf(r.boot!.provenance?.source);
      if (bodyKind(r) !== 'conditions') continue;
      const bucketMs = Math.floor(Number(toBigInt(r.timeUnixNs) / 1_000_000n) / HOUR) * HOUR;
      for (const f of taxonomy.features) {
        const v = CONDITIONS_FIELDS.get(f.field)!.read(r.conditions!);
        const bin = v === undefined || !Number.isFinite(v) ? -1 : binOf(f.edges, v);
        const row = { deviceId: state.deviceId, bucketMs, source, feature: f.name, edges: JSON.stringify(f.edges), bin, count: 0 };
        const key = JSON.stringify([row.deviceId, bucketMs, source, f.name, bin]);
        (sums.get(key) ?? sums.set(key, row).get(key)!).count++;
      }
    }
  }
  return [...sums.values()];
}
