// Which (scope, feature) changed drift band: the fleet's and each device's bands from a drift report against the
// last band held for each, by one rule the hub's drift watcher and its tests share. Pure.
import type { DriftReport } from './drift-report.js';
import type { DriftBand } from './drift.js';

/** A verdict band: no_data is no verdict and changes nothing. */
export type Band = Exclude<DriftBand, 'no_data'>;

/** The gauge's value per band (fieldproof_hub_drift_band). */
export const BAND_LEVEL: Readonly<Record<Band, number>> = { stable: 0, moderate: 1, significant: 2 };

/** The band of a (scope, feature) that never had an event: stable until shown otherwise. */
export const INITIAL_BAND: Band = 'stable';

/** The fleet's scope; any other scope is a device id. */
export const FLEET = 'fleet';

export interface BandReading {
  scope: string;
  feature: string;
  band: DriftBand;
  psi: number | null;
  js: number | null;
}

export interface BandChange {
  scope: string;
  feature: string;
  from_band: Band;
  to_band: Band;
  psi: number;
  js: number;
}

export const bandKey = (scope: string, feature: string): string => `${scope}\u0000${feature}`;

/** The fleet's figures under scope "fleet", then each device's under its id. */
export function readingsOf(report: Pick<DriftReport, 'fleet' | 'devices'>): BandReading[] {
  const of = (scope: string, r: DriftReport['fleet'][number]): BandReading => ({ scope, feature: r.feature, band: r.band, psi: r.psi, js: r.js });
  return [...report.fleet.map((r) => of(FLEET, r)), ...report.devices.flatMap((d) => d.features.map((r) => of(d.device, r)))];
}

/**
 * The changes of band: a reading with a verdict whose band differs from the one held (INITIAL_BAND when none is).
 * A reading without data (no_data) keeps the band held: losing sight of a feature is not a change in it.
 */
export function bandChanges(held: ReadonlyMap<string, Band>, readings: readonly BandReading[]): BandChange[] {
  const out: BandChange[] = [];
  for (const r of readings) {
    if (r.band === 'no_data' || r.psi === null || r.js === null) continue;
    const from = held.get(bandKey(r.scope, r.feature)) ?? INITIAL_BAND;
    if (from !== r.band) out.push({ scope: r.scope, feature: r.feature, from_band: from, to_band: r.band, psi: r.psi, js: r.js });
  }
  return out;
}
