// Conditions samples into cells under the default taxonomy: each dimension's levels at and around their
// bounds, float32 values as they come off the wire, and "unknown" (with the fields it lacks) for anything unmeasured.
import { describe, expect, it } from 'vitest';
import { loadOddFile } from '../../config/index.js';
import { classifier, cellKey, cellLevels } from '../../hub/analytics/index.js';
import { bodyOf, decodeRecord, encodeRecord, schema, type Conditions } from '../../proto/index.js';

const taxonomy = loadOddFile();
const classify = classifier(taxonomy);
const P = schema.Weather.Precipitation;
const Fix = schema.Gnss.Fix;

/** A sample that is clear/day/low/none/good, with `over` merged in per group. */
function sample(over: Partial<Record<'weather' | 'lighting' | 'vibration' | 'occlusion' | 'gnss', object>> = {}): Conditions {
  return {
    weather: { precipitation: P.NONE, precipitationMmH: 0, visibilityM: 20_000, ...over.weather },
    lighting: { lux: 50_000, glare: 0, ...over.lighting },
    vibration: { rmsX: 0.3, rmsY: 0.3, rmsZ: 0.6, ...over.vibration },
    occlusion: { fraction: 0, ...over.occlusion },
    gnss: { fix: Fix.FIX_3D, satellites: 14, hdop: 0.8, ...over.gnss },
  };
}

const level = (dim: string, c: Conditions) => classify(c)[taxonomy.dimensions.findIndex((d) => d.name === dim)];

/** Through the real codec: float fields come back as float32. */
function viaWire(c: Conditions): Conditions {
  const bytes = encodeRecord({ deviceId: 'd', seq: 1, timeUnixNs: 1n, monoNs: 1n, prevHash: new Uint8Array(32) }, { conditions: c });
  const body = bodyOf(decodeRecord(bytes));
  if (!body || !('conditions' in body)) throw new Error('expected a conditions body');
  return body.conditions;
}

describe('classify', () => {
  it('files a full sample under one level per dimension, in the taxonomy order', () => {
    expect(classify(sample())).toEqual(['clear', 'day', 'low', 'none', 'good']);
    expect(cellKey(classify(sample()))).toBe('clear/day/low/none/good');
    expect(cellLevels('clear/day/low/none/good')).toEqual(['clear', 'day', 'low', 'none', 'good']);
  });

  it('bins rain by ISO 34503 rate, lower bound inclusive, also after the float32 round trip', () => {
    const rain = (mmH: number) => sample({ weather: { precipitation: P.RAIN, precipitationMmH: mmH, visibilityM: 3000 } });
    const cases: [number, string][] = [[0, 'drizzle'], [2.49, 'drizzle'], [2.5, 'rain'], [7.59, 'rain'], [7.6, 'heavy_rain'], [49.9, 'heavy_rain'], [50, 'violent_rain'], [120, 'violent_rain']];
    for (const [mmH, expected] of cases) {
      expect(level('weather', rain(mmH)), `${mmH} mm/h`).toBe(expected);
      // 7.6 decodes as 7.599999904632568: the bound is float32 too, so it is still heavy
      expect(level('weather', viaWire(rain(mmH))), `${mmH} mm/h over the wire`).toBe(expected);
    }
  });

  it('tells clear, mist and fog apart by visibility when nothing falls, and snow, sleet and hail by kind', () => {
    const dry = (visibilityM: number) => level('weather', sample({ weather: { visibilityM } }));
    expect([dry(5000), dry(4999), dry(1000), dry(999), dry(150)]).toEqual(['clear', 'mist', 'mist', 'fog', 'fog']);
    expect(level('weather', sample({ weather: { precipitation: P.SNOW, precipitationMmH: 2, visibilityM: 800 } }))).toBe('snow');
    expect(level('weather', sample({ weather: { precipitation: P.SLEET } }))).toBe('sleet');
    expect(level('weather', sample({ weather: { precipitation: P.HAIL } }))).toBe('hail');
    // no kind reported, but a rate of 0: dry
    expect(level('weather', sample({ weather: { precipitation: P.PRECIPITATION_UNSPECIFIED, precipitationMmH: 0, visibilityM: 600 } }))).toBe('fog');
  });

  it('bins illuminance as ISO 34503 day / low light (dusk) / night, with glare a level of its own', () => {
    const light = (lux: number, glare = 0) => level('lighting', sample({ lighting: { lux, glare } }));
    expect([light(2000), light(1999), light(1), light(0.99), light(0)]).toEqual(['day', 'dusk', 'dusk', 'night', 'night']);
    expect([light(5000, 0.49), light(5000, 0.5), light(0.5, 1)]).toEqual(['day', 'glare', 'glare']);
  });

  it('bins vibration by the vector sum of the axes, occlusion by fraction and GNSS by fix and HDOP', () => {
    // 1.5, 2, 0 -> 2.5 exactly
    expect(level('vibration', sample({ vibration: { rmsX: 1.5, rmsY: 2, rmsZ: 0 } }))).toBe('med');
    expect(level('vibration', sample({ vibration: { rmsX: 1.4, rmsY: 2, rmsZ: 0 } }))).toBe('low');
    expect(level('vibration', sample({ vibration: { rmsX: 0, rmsY: 0, rmsZ: 6 } }))).toBe('high');
    const occ = (fraction: number) => level('occlusion', sample({ occlusion: { fraction } }));
    expect([occ(0.14), occ(0.15), occ(0.49), occ(0.5), occ(1)]).toEqual(['none', 'partial', 'partial', 'heavy', 'heavy']);
    const gnss = (fix: number, hdop?: number) => level('gnss', sample({ gnss: { fix, hdop } }));
    expect([gnss(Fix.RTK_FIXED, 0.5), gnss(Fix.FIX_3D, 2), gnss(Fix.FIX_2D, 0.5), gnss(Fix.NO_FIX, 99)]).toEqual(['good', 'degraded', 'degraded', 'denied']);
    // a 2D fix is degraded whatever the HDOP, so it needs none; a 3D fix does
    expect([gnss(Fix.FIX_2D, undefined), gnss(Fix.FIX_3D, undefined)]).toEqual(['degraded', 'unknown']);
  });

  it('puts a sample missing a needed field in unknown, and names the fields it lacks', () => {
    const c = sample({ weather: { precipitation: P.RAIN, precipitationMmH: null }, lighting: { glare: null }, vibration: { rmsY: undefined } });
    delete (c as { occlusion?: unknown }).occlusion;
    expect(classify(c)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'good']);
    expect(classify.missing(c)).toEqual({
      weather: ['weather.precipitation_mm_h'],
      lighting: ['lighting.glare'],
      vibration: ['vibration.rms_magnitude'],
      occlusion: ['occlusion.fraction'],
    });
    expect(classify({})).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    // NaN is not a measurement either
    expect(level('lighting', sample({ lighting: { lux: NaN } }))).toBe('unknown');
  });

  it('reads decoded records, where an unset optional field is null and an unset enum is 0', () => {
    const decoded = viaWire({ weather: { precipitation: P.NONE, visibilityM: 700 }, lighting: { lux: 0.2, glare: 0 }, gnss: { fix: Fix.DGPS, hdop: 1.2 } });
    expect(classify(decoded)).toEqual(['fog', 'night', 'unknown', 'unknown', 'good']);
    expect(classify(viaWire({ weather: { visibilityM: 700 } }))[0]).toBe('unknown');
  });
});
