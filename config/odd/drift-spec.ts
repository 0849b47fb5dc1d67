// The drift selection grammar: which histogram rows are the baseline and which the current ones, as text
// (`source:simulation`, `window:2026-01-01..2026-01-08`, `first-days:7`, `matrix:rain-sweep`, joined by ","). Pure.
import { idSchema } from '../common.js';

/** The sources a row is filed under (hub/analytics/coverage.ts SOURCES; a test holds them equal). */
export const SPEC_SOURCES = ['field', 'simulation', 'replay', 'unspecified'] as const;
export type SpecSource = (typeof SPEC_SOURCES)[number];

/**
 * A parsed selection: every term given must hold (terms are ANDed); none but `all`: every row. Times bound hour
 * buckets as the aggregates do: a bucket is in when it starts at or after `sinceMs` and before `untilMs`.
 */
export interface DriftSelectionSpec {
  /** Canonical text, parseable again: terms in a fixed order, times as UTC ISO. */
  text: string;
  source?: SpecSource;
  window?: { sinceMs?: number; untilMs?: number };
  /** The first N days of the rows the other terms select (the whole selection, not per device): first bucket + N days. */
  firstDays?: number;
  /** The devices whose Boot named this matrix run; the caller resolves them (hub/analytics/drift-baseline.ts). */
  matrix?: string;
}

export const DEFAULT_BASELINE = 'source:simulation';
export const DEFAULT_CURRENT = 'source:field';

export const SPEC_FORMS = 'source:<field|simulation|replay|unspecified>, window:<ISO>..<ISO> (either end may be left open), '
  + 'first-days:<N>, matrix:<id>, or all; terms joined by "," all hold (e.g. source:simulation, '
  + 'source:field,window:2026-01-01..2026-01-08T12:00Z, first-days:7, matrix:rain-sweep)';

/** A selection that does not parse: `param` is the flag, query parameter or config key it came from. */
export class DriftSpecError extends Error {
  readonly code = 'BAD_DRIFT_SPEC' as const;
  readonly permanent = true;
  constructor(readonly param: string, readonly detail: string) {
    super(param ? `${param}: ${detail}` : detail);
    this.name = 'DriftSpecError';
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time (with Z or an offset), or Unix milliseconds; undefined when it is neither. */
export function parseTime(v: string): number | undefined {
  if (/^\d{1,15}$/.test(v)) return Number(v);
  const m = ISO.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, , zone] = m;
  const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > days) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return undefined;
  // a time with no zone would be read in the hub's local time: refuse it rather than guess
  if (h !== undefined && zone === undefined) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

function fail(param: string, text: string, what: string): never {
  throw new DriftSpecError(param, `${what} in "${text}"; expected ${SPEC_FORMS}`);
}

/** Parses a selection; errors name `param` (a flag, query parameter or config key) and show the forms. */
export function parseDriftSelection(text: string, param = ''): DriftSelectionSpec {
  const trimmed = text.trim();
  if (trimmed === '') fail(param, text, 'empty selection');
  const out: Omit<DriftSelectionSpec, 'text'> = {};
  const seen = new Set<string>();
  const terms = trimmed.split(',').map((t) => t.trim());
  for (const term of terms) {
    if (term === 'all') {
      if (terms.length > 1) fail(param, text, '"all" cannot be combined with other terms');
      continue;
    }
    const colon = term.indexOf(':');
    const kind = colon < 0 ? term : term.slice(0, colon);
    const value = colon < 0 ? '' : term.slice(colon + 1).trim();
    if (seen.has(kind)) fail(param, text, `"${kind}" given twice`);
    seen.add(kind);
    if (colon < 0 && ['source', 'window', 'first-days', 'matrix'].includes(kind)) fail(param, text, `"${kind}" needs a value after ":"`);
    switch (kind) {
      case 'source':
        if (!(SPEC_SOURCES as readonly string[]).includes(value)) fail(param, text, `unknown source "${value}"`);
        out.source = value as SpecSource;
        break;
      case 'window':
        out.window = parseWindow(param, text, value);
        break;
      case 'first-days':
        if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 36_500) fail(param, text, `first-days needs a whole number of days from 1 to 36500, got "${value}"`);
        out.firstDays = Number(value);
        break;
      case 'matrix':
        if (!idSchema.safeParse(value).success) fail(param, text, `matrix id "${value}" is not a valid id (1-64 letters, digits, ".", "_" or "-")`);
        out.matrix = value;
        break;
      default:
        fail(param, text, `unknown term "${term}"`);
    }
  }
  return { text: specText(out), ...out };
}

function parseWindow(param: string, text: string, value: string): { sinceMs?: number; untilMs?: number } {
  const parts = value.split('..');
  if (parts.length !== 2) fail(param, text, `window needs two times joined by "..", got "${value}"`);
  const [a, b] = parts.map((p) => p.trim());
  if (a === '' && b === '') fail(param, text, 'window needs at least one end');
  const end = (v: string) => {
    if (v === '') return undefined;
    const ms = parseTime(v);
    if (ms === undefined) fail(param, text, `"${v}" is not an ISO 8601 date or time with a zone (2026-01-31, 2026-01-31T12:00Z) or Unix milliseconds`);
    return ms;
  };
  const sinceMs = end(a);
  const untilMs = end(b);
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs >= untilMs) fail(param, text, `window must end after it starts (${iso(sinceMs)} is not before ${iso(untilMs)})`);
  return { ...(sinceMs !== undefined ? { sinceMs } : {}), ...(untilMs !== undefined ? { untilMs } : {}) };
}

/** The canonical text of a selection's terms. */
export function specText(s: Omit<DriftSelectionSpec, 'text'>): string {
  const terms: string[] = [];
  if (s.source !== undefined) terms.push(`source:${s.source}`);
  if (s.window) terms.push(`window:${s.window.sinceMs !== undefined ? iso(s.window.sinceMs) : ''}..${s.window.untilMs !== undefined ? iso(s.window.untilMs) : ''}`);
  if (s.firstDays !== undefined) terms.push(`first-days:${s.firstDays}`);
  if (s.matrix !== undefined) terms.push(`matrix:${s.matrix}`);
  return terms.length ? terms.join(',') : 'all';
}

/**
 * The selection narrowed to [sinceMs, untilMs) (the CLI's --since/--until, an API's since/until); open ends stay as
 * they are. Bounds that cross leave an empty selection (whose text no longer parses: it says why nothing matched).
 */
export function withinWindow(s: DriftSelectionSpec, sinceMs?: number, untilMs?: number): DriftSelectionSpec {
  if (sinceMs === undefined && untilMs === undefined) return s;
  const since = [s.window?.sinceMs, sinceMs].filter((x): x is number => x !== undefined);
  const until = [s.window?.untilMs, untilMs].filter((x): x is number => x !== undefined);
  const window = { ...(since.length ? { sinceMs: Math.max(...since) } : {}), ...(until.length ? { untilMs: Math.min(...until) } : {}) };
  const { text: _, ...terms } = s;
  return { text: specText({ ...terms, window }), ...terms, window };
}
