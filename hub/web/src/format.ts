// How figures read on the page: counts with thousands separators, shares as percentages, times in UTC
// (the hub and the CLI print UTC too), durations as 1m05s. Pure functions, unit-tested.
const nf = new Intl.NumberFormat('en-US');

export const count = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : nf.format(n));

export const percent = (ratio: number | null | undefined, digits = 1): string =>
  ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '–' : `${(ratio * 100).toFixed(digits)}%`;

/** "12/40 (30.0%)": covered of valid and the share, as the CLI prints coverage. */
export const ofValid = (covered: number, valid: number): string => `${count(covered)}/${count(valid)} (${percent(valid === 0 ? 1 : covered / valid)})`;

export const decimal = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));

/** A number as short as it can be without losing what matters: 0.9648, 3973, 54325. */
export const value = (v: number | null | undefined): string =>
  v === null || v === undefined ? '–' : Math.abs(v) >= 1000 ? nf.format(Math.round(v)) : String(Number(v.toPrecision(4)));

/** "2026-12-04 18:15:02Z" */
export const time = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '–' : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');

export const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "weather=rain lighting=night" */
export const combination = (c: Record<string, string>): string => Object.entries(c).map(([d, l]) => `${d}=${l}`).join(' ');

/** Enum names for people: NO_GO → no-go, SAFETY_MONITOR → safety monitor. */
export const words = (v: string | null | undefined): string => (v ? v.toLowerCase().replace(/_/g, v === 'NO_GO' ? '-' : ' ') : '–');
