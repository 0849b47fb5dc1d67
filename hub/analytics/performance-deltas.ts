// The analyst's performance deltas of one batch: per hour, cell, source and model, perception-confidence bin
// counts of Conditions samples and go/no-go counts of Decisions, as additive store rows. Pure.
import { CONFIDENCE_BINS, type PerformanceRow } from '../store/analytics-performance-rows.js';

/** Bin edges as float32, like the values they bin: perception_confidence 0.7 is a float32 and lands in [0.7, 0.8). */
const EDGES = Array.from({ length: CONFIDENCE_BINS - 1 }, (_, i) => Math.fround((i + 1) / CONFIDENCE_BINS));

/** The bin of a confidence: [0, 0.1) is 0, ..., [0.9, 1] is 9; below 0 counts in 0 and above 1 in 9. null: not a number. */
export function confidenceBin(v: number | null | undefined): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  let bin = 0;
  while (bin < EDGES.length && v >= EDGES[bin]) bin++;
  return bin;
}

/** "id@version" of a Boot's first model; '' when it names none. */
export function modelOf(models: readonly { id?: string | null; version?: string | null }[] | null | undefined): string {
  const m = models?.[0];
  return m ? `${m.id ?? ''}@${m.version ?? ''}` : '';
}

/** A Decision's own model when it names one, else the device's. */
export function decisionModel(modelId: string | null | undefined, modelVersion: string | null | undefined, deviceModel: string): string {
  return modelId ? `${modelId}@${modelVersion ?? ''}` : deviceModel;
}

export class PerformanceDeltas {
  private readonly rowsByKey = new Map<string, PerformanceRow>();

  constructor(private readonly deviceId: string) {}

  /** A Conditions sample: its confidence's bin, or a missing one. */
  sample(bucketMs: number, cell: string, source: string, model: string, confidence: number | null | undefined): void {
    const row = this.row(bucketMs, cell, source, model);
    const bin = confidenceBin(confidence);
    if (bin === null) row.missing++;
    else row.confidence[bin]++;
  }

  /** A Decision with a verdict (unspecified ones are not counted). */
  decision(bucketMs: number, cell: string, source: string, model: string, noGo: boolean): void {
    const row = this.row(bucketMs, cell, source, model);
    if (noGo) row.no_go++;
    else row.go++;
  }

  /** The rows, in key order. */
  rows(): PerformanceRow[] {
    return [...this.rowsByKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }

  private row(bucketMs: number, cell: string, source: string, model: string): PerformanceRow {
    const key = JSON.stringify([bucketMs, cell, source, model]);
    let row = this.rowsByKey.get(key);
    if (!row) {
      row = { deviceId: this.deviceId, bucketMs, cell, source, model, confidence: new Array<number>(CONFIDENCE_BINS).fill(0), missing: 0, go: 0, no_go: 0 };
      this.rowsByKey.set(key, row);
    }
    return row;
  }
}
