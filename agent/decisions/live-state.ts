// The latest value of every live signal (from Conditions and Health records), with when it was seen.
// What go/no-go criteria are evaluated against. Pure apart from its own state; time is passed in.
import type { Body } from '../../proto/index.js';

export interface SignalValue {
  value: number;
  atMs: number;
}

export class LiveState {
  private readonly values = new Map<string, SignalValue>();

  /** Takes every signal a record carries; records of other kinds are ignored. */
  update(body: Body, atMs: number): void {
    if ('conditions' in body) this.fromConditions(body.conditions, atMs);
    else if ('health' in body) this.fromHealth(body.health, atMs);
  }

  set(name: string, value: number | null | undefined, atMs: number): void {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    // Updated in place: at thousands of records/s a fresh object per signal is GC work for nothing.
    const seen = this.values.get(name);
    if (seen) {
      seen.value = value;
      seen.atMs = atMs;
    } else {
      this.values.set(name, { value, atMs });
    }
  }

  /** A signal's value if it was seen within maxAgeMs of nowMs. */
  get(name: string, nowMs: number, maxAgeMs: number): number | undefined {
    const v = this.values.get(name);
    return v && nowMs - v.atMs <= maxAgeMs ? v.value : undefined;
  }

  private fromConditions(c: Extract<Body, { conditions: unknown }>['conditions'], at: number): void {
    this.set('perception_confidence', c.perceptionConfidence, at);
    if (c.weather) {
      this.set('precipitation_mm_h', c.weather.precipitationMmH, at);
      this.set('visibility_m', c.weather.visibilityM, at);
      this.set('fog_density', c.weather.fogDensity, at);
    }
    if (c.lighting) {
      this.set('lux', c.lighting.lux, at);
      this.set('sun_elevation_deg', c.lighting.sunElevationDeg, at);
      this.set('glare', c.lighting.glare, at);
    }
    if (c.vibration) {
      const { rmsX, rmsY, rmsZ } = c.vibration;
      if (typeof rmsX === 'number' || typeof rmsY === 'number' || typeof rmsZ === 'number') {
        this.set('vibration_rms', Math.max(rmsX ?? -Infinity, rmsY ?? -Infinity, rmsZ ?? -Infinity), at);
      }
      this.set('vibration_clipping', (c.vibration.clipX ?? 0) + (c.vibration.clipY ?? 0) + (c.vibration.clipZ ?? 0), at);
    }
    if (c.occlusion) this.set('occlusion_fraction', c.occlusion.fraction, at);
    if (c.gnss) {
      if (c.gnss.fix) this.set('gnss_fix', c.gnss.fix, at);
      if (c.gnss.fix) this.set('gnss_satellites', c.gnss.satellites ?? 0, at);
      this.set('gnss_hdop', c.gnss.hdop, at);
    }
    for (const m of c.measurements ?? []) if (m.name) this.set(`m.${m.name}`, m.value, at);
  }

  private fromHealth(h: Extract<Body, { health: unknown }>['health'], at: number): void {
    this.set('cpu_load_pct', h.cpuLoadPct, at);
    this.set('cpu_temp_c', h.cpuTempC, at);
    const pct = (used: unknown, total: unknown) => (typeof used === 'number' && typeof total === 'number' && total > 0 ? (used / total) * 100 : undefined);
    this.set('mem_used_pct', pct(num(h.memUsedBytes), num(h.memTotalBytes)), at);
    this.set('disk_used_pct', pct(num(h.diskUsedBytes), num(h.diskTotalBytes)), at);
  }
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'low' in v && 'high' in v) return (v as { high: number }).high * 4294967296 + ((v as { low: number }).low >>> 0);
  return undefined;
}
