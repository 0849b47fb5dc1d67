// GNSS: the vehicle's position along its heading at its speed, and the fix, satellites and HDOP the
// receiver reports, with a little noise. Pure apart from the position it carries forward.
import type { Drivers } from './drivers.js';

const EARTH_RADIUS_M = 6_371_000;

export interface GnssState {
  fix: number;
  satellites: number;
  hdop: number;
  latitudeDeg: number;
  longitudeDeg: number;
  altitudeM: number;
  speedMS: number;
  courseDeg: number;
}

export class GnssTrack {
  private lat: number;
  private lon: number;

  constructor(private readonly site: { latitude_deg: number; longitude_deg: number; altitude_m: number; heading_deg: number }) {
    this.lat = site.latitude_deg;
    this.lon = site.longitude_deg;
  }

  /** Moves on by dtS at the drivers' speed; `jitter` draws are about 0 (satellites +-1, HDOP a few per cent). */
  step(d: Drivers, dtS: number, jitter: { satellites: number; hdop: number }): GnssState {
    const heading = (this.site.heading_deg * Math.PI) / 180;
    const distance = d.speedMS * dtS;
    this.lat += ((distance * Math.cos(heading)) / EARTH_RADIUS_M) * (180 / Math.PI);
    this.lon += ((distance * Math.sin(heading)) / (EARTH_RADIUS_M * Math.cos((this.lat * Math.PI) / 180))) * (180 / Math.PI);
    const fix = Math.round(d.gnssFix);
    const satellites = Math.max(0, Math.round(d.satellites + jitter.satellites));
    return {
      fix,
      satellites,
      hdop: Math.max(0.5, d.hdop * (1 + jitter.hdop)),
      latitudeDeg: this.lat,
      longitudeDeg: this.lon,
      altitudeM: this.site.altitude_m,
      speedMS: d.speedMS,
      courseDeg: this.site.heading_deg,
    };
  }
}
