// Seeded histories for the performance and run aggregates (Boots naming models and matrix rows, confidences
// missing or on a bin edge, decisions naming their own model), and the slow recomputation the analyst is held to.
import type { Taxonomy } from '../../config/odd-config.js';
import { classify, confidenceBin, modelOf, plannedCellKey, sourceOf } from '../../hub/analytics/index.js';
import type { HubStore, PerformanceRow, RunRow } from '../../hub/store/index.js';
import { bodyKind, decodeRecord, decodeSegment, toBigInt, toNumber, type Body, type Conditions, type RecordMessage } from '../../proto/index.js';
import { bruteForceRows, type LogEntry } from './analyst-brute.js';
import { History, randomConditions, rng } from './analyst-world.js';

const HOUR = 3_600_000;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

export interface BootSpec {
  source: number;
  models: { id: string; version: string }[];
  matrixId?: string;
  rowId?: string;
  plannedLevels?: Record<string, string>;
}

export function bootOf(b: BootSpec): Body {
  return {
    boot: {
      agentVersion: 'test', keyId: 'k', models: b.models,
      provenance: { source: b.source, missionId: `mission-${b.rowId ?? 'field'}`, scenario: b.rowId ? `mx/${b.rowId}` : '', matrixId: b.matrixId ?? '', rowId: b.rowId ?? '', plannedLevels: b.plannedLevels ?? {} },
    },
  };
}

/**
 * Boot, then samples (a tenth without a confidence, some exactly on a float32 bin edge), decisions (go, no-go and
 * unspecified; a third naming their own model), a restart under the second Boot, and an evicted range and its Gap.
 */
export function performanceHistory(deviceId: string, seed: number, n: number, boots: [BootSpec, BootSpec]): { history: History; evicted: Set<number> } {
  const r = rng(seed);
  const h = new History(deviceId);
  let t = Date.UTC(2026, 0, 1, 9, 50) + Math.floor(r() * 1000);
  h.append(bootOf(boots[0]), t);
  const evicted = new Set<number>();
  let booted = false;
  let evictFirst = 0;
  let gapped = false;
  while (h.records.length < n) {
    t += 200 + Math.floor(r() * 8800);
    const at = h.records.length;
    const x = r();
    const sample = (): Body => {
      const { conditions } = randomConditions(r) as { conditions: Conditions };
      const y = r();
      return { conditions: { ...conditions, perceptionConfidence: y < 0.1 ? undefined : y < 0.2 ? pick(r, [0.1, 0.7, 0.9, 1]) : conditions.perceptionConfidence } };
    };
    if (!booted && at >= Math.floor(n / 2)) {
      booted = true;
      h.append(bootOf(boots[1]), t);
    } else if (!evictFirst && at >= Math.floor(n * 0.6)) evictFirst = h.append(sample(), t).seq;
    else if (evictFirst && !gapped && at >= evictFirst + 7) {
      gapped = true;
      for (let s = evictFirst; s <= evictFirst + 5; s++) evicted.add(s);
      const first = h.records[evictFirst - 1];
      const last = h.records[evictFirst + 5 - 1];
      h.append({ gap: { firstSeq: evictFirst, lastSeq: last.seq, reason: 1, firstPrevHash: first.prevHash, lastHash: last.hash, bytesLost: 1, detail: 'test' } }, t);
    } else if (x < 0.6) h.append(sample(), t);
    else if (x < 0.85) {
      const own = r() < 0.33;
      h.append({ decision: { verdict: pick(r, [0, 1, 2, 2]), criteriaVersion: 'v1', modelId: own ? 'own' : '', modelVersion: own ? '7' : '', confidence: r() } }, t);
    } else h.append({ health: { cpuLoadPct: 10 } }, t);
  }
  return { history: h, evicted };
}

async function storedRecords(store: HubStore, deviceId: string, through: number): Promise<RecordMessage[]> {
  const bySeq = new Map<number, RecordMessage>();
  for await (const s of store.rawSegments(deviceId)) {
    for (const bytes of decodeSegment(s.raw).records) {
      const rec = decodeRecord(bytes);
      if (toNumber(rec.seq) <= through) bySeq.set(toNumber(rec.seq), rec);
    }
  }
  return [...bySeq.values()].sort((a, b) => toNumber(a.seq) - toNumber(b.seq));
}

/** Per device, hour, cell, source and model, from every stored record up to each device's contiguous seq. */
export async function bruteForcePerformance(store: HubStore, taxonomy: Taxonomy): Promise<PerformanceRow[]> {
  // the cell each decision was filed under, as the existing recomputation finds it
  const log: LogEntry[] = [];
  await bruteForceRows(store, taxonomy, 5000, undefined, log);
  const cellOf = new Map(log.map((e) => [`${e.deviceId}|${e.seq}`, e.cell]));
  const unknown = taxonomy.dimensions.map(() => 'unknown').join('/');
  const sums = new Map<string, PerformanceRow>();
  const row = (deviceId: string, timeMs: number, cell: string, source: string, model: string) => {
    const bucketMs = Math.floor(timeMs / HOUR) * HOUR;
    const key = JSON.stringify([deviceId, bucketMs, cell, source, model]);
    return sums.get(key) ?? sums.set(key, { deviceId, bucketMs, cell, source, model, confidence: new Array(10).fill(0), missing: 0, go: 0, no_go: 0 }).get(key)!;
  };
  for (const state of await store.deviceStates()) {
    const recs = await storedRecords(store, state.deviceId, state.contiguousSeq);
    recs.forEach((r, i) => {
      // the latest Boot at or before this record, holes or not
      const boot = recs.slice(0, i + 1).reverse().find((x) => bodyKind(x) === 'boot')?.boot;
      const source = sourceOf(boot?.provenance?.source);
      const model = modelOf(boot?.models);
      const timeMs = Number(toBigInt(r.timeUnixNs) / 1_000_000n);
      if (bodyKind(r) === 'conditions') {
        const x = row(state.deviceId, timeMs, classify(taxonomy, r.conditions!).join('/'), source, model);
        const v = r.conditions!.perceptionConfidence;
        if (v === undefined || v === null) x.missing++;
        else x.confidence[confidenceBin(v)!]++;
      } else if (bodyKind(r) === 'decision' && (r.decision!.verdict === 1 || r.decision!.verdict === 2)) {
        const d = r.decision!;
        const x = row(state.deviceId, timeMs, cellOf.get(`${state.deviceId}|${toNumber(r.seq)}`) ?? unknown, source, d.modelId ? `${d.modelId}@${d.modelVersion}` : model);
        if (d.verdict === 2) x.no_go++;
        else x.go++;
      }
    });
  }
  return [...sums.values()];
}

/** Per device: its latest stored Boot up to its contiguous seq. */
export async function bruteForceRuns(store: HubStore, taxonomy: Taxonomy): Promise<RunRow[]> {
  const out: RunRow[] = [];
  for (const state of await store.deviceStates()) {
    const recs = await storedRecords(store, state.deviceId, state.contiguousSeq);
    const r = recs.reverse().find((x) => bodyKind(x) === 'boot');
    if (!r) continue;
    const p = r.boot!.provenance!;
    const plannedLevels = { ...p.plannedLevels };
    out.push({
      deviceId: state.deviceId, bootSeq: toNumber(r.seq), bootMs: Number(toBigInt(r.timeUnixNs) / 1_000_000n), matrixId: p.matrixId ?? '', rowId: p.rowId ?? '',
      scenario: p.scenario ?? '', missionId: p.missionId ?? '', source: sourceOf(p.source), plannedLevels, plannedCell: plannedCellKey(taxonomy, plannedLevels),
    });
  }
  return out;
}
