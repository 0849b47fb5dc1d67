// What each float and double field of fieldproof.proto may hold, in one table: finite always, within float32
// for floats, and the physical range where there is one (fractions 0..1, lux >= 0, latitude -90..90). Pure.

/** The largest finite float32: a float field given more than this would be stored as Infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

export interface FieldRange {
  /** The field's scalar type in fieldproof.proto. */
  type: 'float' | 'double';
  min?: number;
  max?: number;
}

const fraction = { type: 'float', min: 0, max: 1 } as const;
const nonNegative = { type: 'float', min: 0 } as const;
const float = { type: 'float' } as const;
const double = { type: 'double' } as const;
/** Absolute zero: no thermometer reads below it. */
const celsius = { type: 'float', min: -273.15 } as const;

/**
 * Every float and double field, as "Message.field" with the .proto's names; a unit test walks
 * fieldproof.proto and fails when a field is missing here, misnamed, or listed with the wrong type.
 */
export const FIELD_RANGES: Readonly<Record<string, FieldRange>> = {
  'Conditions.perception_confidence': fraction,
  'Weather.precipitation_mm_h': nonNegative,
  'Weather.visibility_m': nonNegative,
  'Weather.fog_density': fraction,
  'Weather.temperature_c': celsius,
  'Weather.wind_speed_m_s': nonNegative,
  'Weather.humidity_pct': { type: 'float', min: 0, max: 100 },
  'Lighting.lux': nonNegative,
  'Lighting.sun_elevation_deg': { type: 'float', min: -90, max: 90 },
  'Lighting.glare': fraction,
  'Vibration.rms_x': nonNegative,
  'Vibration.rms_y': nonNegative,
  'Vibration.rms_z': nonNegative,
  'Occlusion.fraction': fraction,
  'Gnss.hdop': nonNegative,
  'Gnss.latitude_deg': { type: 'double', min: -90, max: 90 },
  'Gnss.longitude_deg': { type: 'double', min: -180, max: 180 },
  'Gnss.altitude_m': float,
  'Gnss.speed_m_s': nonNegative,
  'Measurement.value': double,
  'Decision.confidence': fraction,
  'Criterion.value': double,
  'Criterion.threshold': double,
  'Health.cpu_load_pct': nonNegative,
  'Health.cpu_temp_c': celsius,
  'Health.net_rx_bytes_s': nonNegative,
  'Health.net_tx_bytes_s': nonNegative,
};

/** The range of `field` (a .proto name, e.g. "fog_density") of `message` (e.g. "Weather"), if it is a float or double. */
export function rangeOf(message: string, field: string): FieldRange | undefined {
  return Object.prototype.hasOwnProperty.call(FIELD_RANGES, `${message}.${field}`) ? FIELD_RANGES[`${message}.${field}`] : undefined;
}

/**
 * What is wrong with `value` for a field of this range, as "expected ..., got ..."; undefined when it fits.
 * Without a range (a field outside the table) only finiteness is checked.
 */
export function rangeProblem(range: FieldRange | undefined, value: number): string | undefined {
  const finite = Number.isFinite(value);
  const inBounds = finite && (range?.min === undefined || value >= range.min) && (range?.max === undefined || value <= range.max);
  const fits = range?.type !== 'float' || Number.isFinite(Math.fround(value));
  if (inBounds && fits) return undefined;
  const float32 = inBounds ? ` that a float32 can hold (|x| <= ${FLOAT32_MAX})` : '';
  return `expected a finite number${bounds(range)}${float32}, got ${String(value)}`;
}

function bounds(range: FieldRange | undefined): string {
  if (range?.min !== undefined && range.max !== undefined) return ` from ${range.min} to ${range.max}`;
  if (range?.min !== undefined) return ` >= ${range.min}`;
  if (range?.max !== undefined) return ` <= ${range.max}`;
  return '';
}
