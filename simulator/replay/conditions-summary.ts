// The live view of conditions a timeline line shows: the latest weather, visibility, light, vibration,
// occlusion and confidence, merged across records, and the rounded key that says when it changed. Pure.
import { schema } from '../../proto/index.js';
import { shortFloat } from './criterion-view.js';

export interface ConditionsSummary {
  precipitation?: string;
  precipitation_mm_h?: number;
  visibility_m?: number;
  fog_density?: number;
  lux?: number;
  /** The largest RMS axis, m/s². */
  vibration_rms?: number;
  occlusion?: number;
  confidence?: number;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PRECIPITATION: Record<number, string> = Object.fromEntries(Object.entries(schema.Weather.Precipitation).map(([name, n]) => [n, name]));

/**
 * Merges one Conditions body into the summary; absent groups keep their last value. Takes the decoded
 * message (enums as numbers: the fast path, no JSON conversion per record) or recordToJson's form.
 */
export function summarizeConditions(prev: ConditionsSummary, c: Json): ConditionsSummary {
  const next = { ...prev };
  const set = (key: keyof ConditionsSummary, value: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value)) (next as Record<string, unknown>)[key] = shortFloat(value);
  };
  if (c.weather) {
    const p = typeof c.weather.precipitation === 'number' ? PRECIPITATION[c.weather.precipitation] : c.weather.precipitation;
    if (p && p !== 'PRECIPITATION_UNSPECIFIED') next.precipitation = p;
    set('precipitation_mm_h', c.weather.precipitationMmH);
    set('visibility_m', c.weather.visibilityM);
    set('fog_density', c.weather.fogDensity);
  }
  if (c.lighting) set('lux', c.lighting.lux);
  if (c.vibration) {
    const axes = [c.vibration.rmsX, c.vibration.rmsY, c.vibration.rmsZ].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (axes.length) set('vibration_rms', Math.max(...axes));
  }
  if (c.occlusion) set('occlusion', c.occlusion.fraction);
  set('confidence', c.perceptionConfidence);
  return next;
}

/** The summary as display text, rounded so that noise does not count as a change. */
export function conditionsText(s: ConditionsSummary): string {
  const parts: string[] = [];
  if (s.precipitation !== undefined || s.precipitation_mm_h !== undefined) {
    const kind = s.precipitation === 'NONE' ? 'dry' : (s.precipitation ?? 'precipitation').toLowerCase();
    parts.push(s.precipitation_mm_h !== undefined && s.precipitation !== 'NONE' ? `${kind} ${fixed(s.precipitation_mm_h, 1)} mm/h` : kind);
  }
  if (s.visibility_m !== undefined) parts.push(`vis ${sig(s.visibility_m, 2)} m`);
  if (s.fog_density !== undefined) parts.push(`fog ${fixed(s.fog_density, 2)}`);
  if (s.lux !== undefined) parts.push(`${sig(s.lux, 2)} lx`);
  if (s.vibration_rms !== undefined) parts.push(`vib ${fixed(s.vibration_rms, 1)} m/s²`);
  if (s.occlusion !== undefined) parts.push(`occl ${fixed(s.occlusion, 2)}`);
  if (s.confidence !== undefined) parts.push(`conf ${fixed(s.confidence, 2)}`);
  return parts.length ? parts.join(' · ') : 'no weather, light, vibration, occlusion or confidence values';
}

/** Two summaries with the same key look the same on screen: only a different key is a change. */
export function conditionsKey(s: ConditionsSummary): string {
  return conditionsText(s);
}

function fixed(v: number, digits: number): string {
  return String(Number(v.toFixed(digits)));
}

function sig(v: number, digits: number): string {
  return Math.abs(v) < 10 ** digits ? String(Math.round(v)) : String(Number(v.toPrecision(digits)));
}
