// The Conditions fields an operating-domain predicate may test, by their .proto names, and how each is read
// from a decoded (or plain) Conditions body, absent meaning "not measured". Pure; a test holds it to the .proto.
import { schema, type Conditions } from './codec.js';
import { rangeOf } from './field-ranges.js';

/** float fields are compared as float32, as they travel; the rest as they are. */
export type FieldKind = 'float' | 'double' | 'uint32' | 'enum';

export interface ConditionsField {
  /** The .proto path: "weather.precipitation_mm_h", "perception_confidence". */
  path: string;
  kind: FieldKind;
  /** Enum fields: value name -> number, UNSPECIFIED (0, "not measured") left out. */
  values?: Readonly<Record<string, number>>;
  /** The physical range (proto/field-ranges.ts), for float and double fields that have one. */
  min?: number;
  max?: number;
  /** Set for a value computed from other fields, saying how. */
  derived?: string;
  /** The value, or undefined when the sample did not measure it. */
  read(c: Conditions): number | undefined;
}

type Group = 'weather' | 'lighting' | 'vibration' | 'occlusion' | 'gnss';
type Spec = [name: string, kind: FieldKind, values?: Record<string, number>];
/** A generated enum object (name -> number) as the plain map it is. */
const names = (e: object) => e as Readonly<Record<string, number>>;

const MESSAGES: Record<Group, string> = { weather: 'Weather', lighting: 'Lighting', vibration: 'Vibration', occlusion: 'Occlusion', gnss: 'Gnss' };

/** Every number and enum field of Conditions' groups (strings, source_id and the repeated measurements are not conditions). */
const GROUPS: Record<Group, Spec[]> = {
  weather: [
    ['precipitation', 'enum', names(schema.Weather.Precipitation)], ['precipitation_mm_h', 'float'], ['visibility_m', 'float'],
    ['fog_density', 'float'], ['temperature_c', 'float'], ['wind_speed_m_s', 'float'], ['humidity_pct', 'float'],
  ],
  lighting: [['lux', 'float'], ['sun_elevation_deg', 'float'], ['glare', 'float']],
  vibration: [['rms_x', 'float'], ['rms_y', 'float'], ['rms_z', 'float'], ['clip_x', 'uint32'], ['clip_y', 'uint32'], ['clip_z', 'uint32']],
  occlusion: [['fraction', 'float'], ['cause', 'enum', names(schema.Occlusion.Cause)]],
  gnss: [
    ['fix', 'enum', names(schema.Gnss.Fix)], ['satellites', 'uint32'], ['hdop', 'float'], ['latitude_deg', 'double'],
    ['longitude_deg', 'double'], ['altitude_m', 'float'], ['speed_m_s', 'float'],
  ],
};

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A number as its kind holds it: float32-rounded for float fields; NaN and Infinity count as not measured. */
function asMeasured(kind: FieldKind, v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  return kind === 'float' ? Math.fround(v) : v;
}

function groupField(group: Group, [name, kind, values]: Spec): ConditionsField {
  const key = camel(name);
  const range = rangeOf(MESSAGES[group], name);
  const named = values ? Object.fromEntries(Object.entries(values).filter(([, n]) => n !== 0)) : undefined;
  const read = (c: Conditions): number | undefined => {
    const g = c[group] as Record<string, unknown> | null | undefined;
    if (g === null || g === undefined) return undefined;
    const v = g[key];
    if (kind === 'enum') {
      // proto3 enums: 0 is UNSPECIFIED, i.e. not measured; a name (toObject with enums: String) is accepted too
      const n = typeof v === 'string' ? named?.[v] : v;
      return typeof n === 'number' && n !== 0 ? n : undefined;
    }
    // uint32 counts are not optional in the schema: a present group measured them, 0 included
    if (kind === 'uint32') return asMeasured(kind, v ?? 0);
    return asMeasured(kind, v);
  };
  return { path: `${group}.${name}`, kind, values: named, min: range?.min, max: range?.max, read };
}

const DERIVED: ConditionsField[] = [
  {
    path: 'vibration.rms_magnitude',
    kind: 'double',
    min: 0,
    derived: 'sqrt(rms_x^2 + rms_y^2 + rms_z^2), the vector sum of ISO 2631-1; absent unless all three axes are measured',
    read: (c) => {
      const v = c.vibration;
      if (!v) return undefined;
      const axes = [asMeasured('float', v.rmsX), asMeasured('float', v.rmsY), asMeasured('float', v.rmsZ)];
      if (axes.some((a) => a === undefined)) return undefined;
      return Math.sqrt(axes.reduce((s, a) => s! + a! * a!, 0)!);
    },
  },
];

const confidenceRange = rangeOf('Conditions', 'perception_confidence');

/** Every field a predicate or a drift feature may name, by its .proto path. */
export const CONDITIONS_FIELDS: ReadonlyMap<string, ConditionsField> = new Map(
  [
    ...Object.entries(GROUPS).flatMap(([group, specs]) => specs.map((s) => groupField(group as Group, s))),
    {
      path: 'perception_confidence', kind: 'float', min: confidenceRange?.min, max: confidenceRange?.max,
      read: (c: Conditions) => asMeasured('float', c.perceptionConfidence),
    } satisfies ConditionsField,
    ...DERIVED,
  ].map((f) => [f.path, f]),
);
