// The hub's drift watcher: off the ack path, when the analyst has caught up and on an interval, bands the fleet's
// and each device's drift under the taxonomy's baseline and records each band change once, across restarts too.
import type { Taxonomy } from '../../config/odd-config.js';
import type { Logger } from '../observability.js';
import type { HubStore } from '../store/index.js';
import { BAND_LEVEL, bandChanges, bandKey, INITIAL_BAND, readingsOf, type Band, type BandChange } from './drift-bands.js';
import { driftFor, matrixIdsOf } from './drift-baseline.js';

export interface DriftWatchOptions {
  store: HubStore;
  /** Its drift section says the thresholds, the baseline and current selections and the interval. */
  taxonomy: Taxonomy;
  log?: Logger;
  /** fieldproof_hub_drift_band (hub/observability.ts), set to the band held per (scope, feature). */
  metrics?: { driftBand: { set(labels: { scope: string; feature: string }, value: number): void } };
  /** Default: drift.watch_every_s of the taxonomy; 0: the watcher never checks. */
  intervalMs?: number;
  /** Checks at most this often, however often it is poked (default 5 s). */
  minGapMs?: number;
  now?: () => number;
  /** A matrix run's devices, for a matrix: selection. Without it such a selection fails each check (logged once). */
  matrixDevices?(matrixId: string): Promise<ReadonlySet<string>>;
}

const isBand = (b: string): b is Band => b in BAND_LEVEL;

export class DriftWatch {
  /** The band per (scope, feature) as last recorded: loaded from the drift events at the first check. */
  private readonly held = new Map<string, { scope: string; feature: string; band: Band }>();
  private loaded = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private wanted = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private lastCheckMs = -Infinity;
  /** The analyst cursors at the last complete check: unchanged, the histograms are too, and a check is skipped. */
  private lastSignature: string | undefined;
  private lastError: string | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** Checks that computed bands (skipped ones not counted). */
  checks = 0;

  constructor(private readonly o: DriftWatchOptions) {
    this.intervalMs = o.intervalMs ?? o.taxonomy.drift.watch_every_s * 1000;
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => this.poke(), this.intervalMs);
    this.timer.unref();
    this.poke();
  }

  /** Asks for a check soon (the hub pokes it when the analyst has caught up). Never waits. */
  poke(): void {
    if (this.stopped || this.intervalMs <= 0) return;
    this.wanted = true;
    this.running ??= this.loop().finally(() => { this.running = undefined; });
  }

  /** Stops after the check in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.wake?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (this.wanted && !this.stopped) {
      const wait = this.lastCheckMs + (this.o.minGapMs ?? 5000) - Date.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, wait).unref();
        });
        this.wake = undefined;
        continue;
      }
      this.wanted = false;
      this.lastCheckMs = Date.now();
      try {
        await this.check();
        this.lastError = undefined;
      } catch (err) {
        const message = (err as Error).message;
        if (message !== this.lastError) this.o.log?.error({ err: message }, 'drift watch: check failed; retried on the next');
        this.lastError = message;
      }
    }
  }

  /** One check now: bands under the baseline, each change recorded and logged. Returns the changes it saw. */
  async check(): Promise<BandChange[]> {
    const { taxonomy } = this.o;
    const fp = taxonomy.fingerprint;
    const analytics = this.o.store.analytics();
    if (!this.loaded) {
      for (const { scope, feature, band } of await analytics.lastDriftBands(fp)) if (isBand(band)) this.held.set(bandKey(scope, feature), { scope, feature, band });
      this.loaded = true;
    }
    const signature = (await analytics.cursors(fp)).map((c) => `${c.deviceId}:${c.seq}`).join(',');
    if (signature === this.lastSignature) return [];
    const { baseline, current } = taxonomy.drift;
    const matrixDevices = new Map<string, ReadonlySet<string>>();
    for (const id of matrixIdsOf(baseline, current)) {
      if (!this.o.matrixDevices) throw new Error(`drift.baseline or drift.current names matrix:${id}, and this hub cannot look up a matrix run's devices`);
      matrixDevices.set(id, await this.o.matrixDevices(id));
    }
    const report = driftFor(taxonomy, await analytics.histogramRows(fp), baseline, current, { matrixDevices });
    const readings = readingsOf(report);
    const changes = bandChanges(new Map([...this.held].map(([k, v]) => [k, v.band])), readings);
    const timeMs = this.now();
    const recorded = new Set((await analytics.recordDriftEvents(fp, changes.map((c) => ({
      scope: c.scope, feature: c.feature, fromBand: c.from_band, toBand: c.to_band, psi: c.psi, js: c.js, baseline: report.baseline.spec, timeMs,
    })), INITIAL_BAND)).map((e) => bandKey(e.scope, e.feature)));
    for (const c of changes) {
      const key = bandKey(c.scope, c.feature);
      this.held.set(key, { scope: c.scope, feature: c.feature, band: c.to_band });
      const line = `drift band of ${c.feature} (${c.scope}) ${c.from_band} -> ${c.to_band}, PSI ${c.psi.toFixed(3)} against ${report.baseline.spec}`;
      const fields = { scope: c.scope, feature: c.feature, from: c.from_band, to: c.to_band, psi: c.psi, js: c.js, baseline: report.baseline.spec };
      if (!recorded.has(key)) this.o.log?.debug(fields, `${line} (already recorded by another watcher)`);
      else if (BAND_LEVEL[c.to_band] > BAND_LEVEL[c.from_band]) this.o.log?.warn(fields, line);
      else this.o.log?.info(fields, line);
    }
    for (const r of readings) {
      const key = bandKey(r.scope, r.feature);
      if (r.band !== 'no_data' && !this.held.has(key)) this.o.metrics?.driftBand.set({ scope: r.scope, feature: r.feature }, BAND_LEVEL[INITIAL_BAND]);
    }
    for (const h of this.held.values()) this.o.metrics?.driftBand.set({ scope: h.scope, feature: h.feature }, BAND_LEVEL[h.band]);
    this.lastSignature = signature;
    this.checks++;
    return changes;
  }
}
