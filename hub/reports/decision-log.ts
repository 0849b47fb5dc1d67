// The decision log as the reports and the HTTP API show it: each go/no-go with its criteria, no-go counts by
// criterion and by cell, and the criteria versions in force per device over time. Pure over the analyst's rows.
import type { Taxonomy } from '../../config/odd-config.js';
import type { AggregateFilter, DecisionRow, HubStore } from '../store/index.js';

export interface CriterionResult {
  name: string;
  value: number | null;
  comparator: string;
  threshold: number;
  pass: boolean;
  unit: string;
}

export type DecisionLogRow = Omit<DecisionRow, 'criteria'> & { criteria: CriterionResult[] };

export interface DecisionLog {
  decisions: number;
  go: number;
  no_go: number;
  no_go_by_criterion: Record<string, number>;
  no_go_by_cell: Record<string, number>;
  criteria_versions: { device: string; version: string; first_ms: number; last_ms: number; decisions: number }[];
  /** No-go decisions per UTC day. */
  by_day: { day_ms: number; go: number; no_go: number }[];
  /** Rows matching the filter before paging. */
  total: number;
  rows: DecisionLogRow[];
}

export interface DecisionFilter extends AggregateFilter {
  verdict?: string;
  /** Made in this cell (its key; "none": before any sample since the last cut). */
  cell?: string;
  limit?: number;
  offset?: number;
}

const DAY_MS = 86_400_000;

export function decisionLogOf(all: DecisionRow[], f: DecisionFilter = {}): DecisionLog {
  const rows = all.map((d) => ({ ...d, criteria: JSON.parse(d.criteria) as CriterionResult[] }))
    .filter((d) => (!f.verdict || d.verdict === f.verdict.toUpperCase()) && (f.cell === undefined || (d.cell ?? 'none') === f.cell));
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const byCriterion = new Map<string, number>();
  const byCell = new Map<string, number>();
  const versions = new Map<string, DecisionLog['criteria_versions'][number]>();
  const days = new Map<number, { day_ms: number; go: number; no_go: number }>();
  for (const d of rows) {
    const dayMs = Math.floor(d.timeMs / DAY_MS) * DAY_MS;
    const day = days.get(dayMs) ?? { day_ms: dayMs, go: 0, no_go: 0 };
    days.set(dayMs, day);
    if (d.verdict === 'GO') day.go++;
    if (d.verdict === 'NO_GO') {
      day.no_go++;
      for (const c of d.criteria) if (!c.pass) count(byCriterion, c.name);
      count(byCell, d.cell ?? 'none');
    }
    const key = `${d.deviceId}|${d.criteriaVersion}`;
    const v = versions.get(key) ?? { device: d.deviceId, version: d.criteriaVersion, first_ms: d.timeMs, last_ms: d.timeMs, decisions: 0 };
    v.first_ms = Math.min(v.first_ms, d.timeMs);
    v.last_ms = Math.max(v.last_ms, d.timeMs);
    v.decisions++;
    versions.set(key, v);
  }
  const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  const offset = f.offset ?? 0;
  return {
    decisions: rows.length,
    go: rows.filter((d) => d.verdict === 'GO').length,
    no_go: rows.filter((d) => d.verdict === 'NO_GO').length,
    no_go_by_criterion: sorted(byCriterion),
    no_go_by_cell: sorted(byCell),
    criteria_versions: [...versions.values()],
    by_day: [...days.values()].sort((a, b) => a.day_ms - b.day_ms),
    total: rows.length,
    rows: f.limit === undefined ? rows.slice(offset) : rows.slice(offset, offset + f.limit),
  };
}

export async function decisionLog(store: HubStore, taxonomy: Taxonomy, f: DecisionFilter = {}): Promise<DecisionLog> {
  return decisionLogOf(await store.analytics().decisions(taxonomy.fingerprint, f), f);
}
