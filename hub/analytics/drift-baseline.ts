// Baselines and current selections as data: resolves a parsed selection (config/odd/drift-spec.ts) against the
// histogram rows (first-days from the data, a matrix run's devices from the caller) and compares the two. Pure.
import type { Taxonomy } from '../../config/odd-config.js';
import { DEFAULT_CURRENT, DriftSpecError, parseDriftSelection, withinWindow, type DriftSelectionSpec } from '../../config/odd/drift-spec.js';
import type { HistogramBinRow } from '../store/index.js';
import { driftReport, type DriftReport } from './drift-report.js';

export {
  DEFAULT_BASELINE, DEFAULT_CURRENT, DriftSpecError, SPEC_FORMS, SPEC_SOURCES, parseDriftSelection, parseTime, withinWindow,
  type DriftSelectionSpec, type SpecSource,
} from '../../config/odd/drift-spec.js';

const DAY_MS = 86_400_000;

/** What a selection took once resolved against the rows, for reports (JSON). */
export interface SelectionInfo {
  /** The selection's canonical text (after defaults: a current that starts at the baseline's end says so). */
  spec: string;
  /** In words: "simulation samples", "field samples from 2026-01-08T00:00:00.000Z on", ... */
  description: string;
  source: string | null;
  /** Hour buckets starting at or after since_ms and before until_ms, first-days resolved; null: open. */
  since_ms: number | null;
  until_ms: number | null;
  /** The matrix run's devices, sorted; null when the selection names no matrix. */
  devices: string[] | null;
}

export interface ResolvedSelection {
  info: SelectionInfo;
  includes(row: HistogramBinRow): boolean;
}

export interface ResolveOptions {
  /** Per matrix id, the devices whose Boot named that matrix (the caller looks them up, e.g. in the runs table). */
  matrixDevices?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The matrix ids the selections name, for the caller to look their devices up before resolving. */
export function matrixIdsOf(...specs: DriftSelectionSpec[]): string[] {
  return [...new Set(specs.flatMap((s) => (s.matrix === undefined ? [] : [s.matrix])))].sort();
}

const iso = (ms: number) => new Date(ms).toISOString();

function inBounds(r: HistogramBinRow, since: number | undefined, until: number | undefined): boolean {
  return (since === undefined || r.bucketMs >= since) && (until === undefined || r.bucketMs < until);
}

/**
 * The rows a selection takes. `first-days:N` starts at the first bucket holding a count among the rows the other
 * terms select (over the whole selection, not per device) and lasts N calendar days, so days without data count.
 */
export function resolveSelection(spec: DriftSelectionSpec, rows: readonly HistogramBinRow[], options: ResolveOptions = {}, param = ''): ResolvedSelection {
  let devices: ReadonlySet<string> | undefined;
  if (spec.matrix !== undefined) {
    devices = options.matrixDevices?.get(spec.matrix);
    if (!devices) throw new DriftSpecError(param, `matrix:${spec.matrix}: the devices of that run are not known (no device's Boot named this matrix, or they were not looked up)`);
  }
  const of = (r: HistogramBinRow) => (spec.source === undefined || r.source === spec.source) && (!devices || devices.has(r.deviceId));
  let since = spec.window?.sinceMs;
  let until = spec.window?.untilMs;
  let empty = false;
  if (spec.firstDays !== undefined) {
    let first = Infinity;
    for (const r of rows) if (r.count > 0 && r.bucketMs < first && of(r) && inBounds(r, since, until)) first = r.bucketMs;
    if (first === Infinity) empty = true;
    else {
      since = first;
      until = Math.min(until ?? Infinity, first + spec.firstDays * DAY_MS);
    }
  }
  const parts = [spec.source === undefined ? 'every sample' : `${spec.source} samples`];
  if (devices) parts.push(`of the ${devices.size} device(s) of matrix ${spec.matrix}`);
  if (spec.firstDays !== undefined) parts.push(`in the first ${spec.firstDays} day(s)${empty ? ' (none yet)' : ''}`);
  if (since !== undefined && until !== undefined) parts.push(`from ${iso(since)} to ${iso(until)}`);
  else if (since !== undefined) parts.push(`from ${iso(since)} on`);
  else if (until !== undefined) parts.push(`before ${iso(until)}`);
  return {
    info: {
      spec: spec.text, description: parts.join(' '), source: spec.source ?? null,
      since_ms: since ?? null, until_ms: until ?? null, devices: devices ? [...devices].sort() : null,
    },
    includes: empty ? () => false : (r) => of(r) && inBounds(r, since, until),
  };
}

/**
 * Resolves a baseline and a current selection together. A baseline that ends (a window with an end, first-days)
 * against a current with no window of its own: the current starts where the baseline ends, so the two never overlap.
 */
export function resolveSelections(baseline: DriftSelectionSpec | string, current: DriftSelectionSpec | string, rows: readonly HistogramBinRow[], options: ResolveOptions = {}): { baseline: ResolvedSelection; current: ResolvedSelection } {
  const b = typeof baseline === 'string' ? parseDriftSelection(baseline, 'baseline') : baseline;
  let c = typeof current === 'string' ? parseDriftSelection(current, 'current') : current;
  const base = resolveSelection(b, rows, options, 'baseline');
  const after = c.window === undefined && c.firstDays === undefined && base.info.until_ms !== null;
  if (after) c = withinWindow(c, base.info.until_ms!);
  const cur = resolveSelection(c, rows, options, 'current');
  if (after) cur.info.description += " (from the baseline's end)";
  return { baseline: base, current: cur };
}

/** driftReport's figures with what each side took. */
export interface DriftForReport extends DriftReport {
  baseline: SelectionInfo;
  current: SelectionInfo;
}

/**
 * Drift per feature of the current selection against the baseline, for the fleet and per device (each device's
 * current rows against the fleet's baseline). Strings are parsed (errors name "baseline" or "current").
 */
export function driftFor(taxonomy: Taxonomy, rows: readonly HistogramBinRow[], baseline: DriftSelectionSpec | string, current: DriftSelectionSpec | string = DEFAULT_CURRENT, options: ResolveOptions = {}): DriftForReport {
  const s = resolveSelections(baseline, current, rows, options);
  const r = driftReport(taxonomy, rows as HistogramBinRow[], { baseline: s.baseline.includes, current: s.current.includes });
  return { taxonomy: r.taxonomy, thresholds: r.thresholds, baseline: s.baseline.info, current: s.current.info, fleet: r.fleet, devices: r.devices };
}
