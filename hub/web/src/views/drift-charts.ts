// A feature's drift drawn two ways: the baseline and current histograms side by side (as shares, so unequal
// sample counts compare), and PSI and JS per time bucket over the stable / moderate / significant bands.
import type { DriftSeries } from '../api-types.js';
import { chart } from '../charts.js';
import { h } from '../dom.js';
import { decimal, time, value } from '../format.js';
import { BAND, OKABE_ITO } from '../palette.js';

type FeatureSeries = DriftSeries['features'][number];

/** "< 0.5", "0.5–2", "≥ 10": one label per bin (edges.length + 1 bins). */
export function binLabels(edges: number[]): string[] {
  if (edges.length === 0) return ['all'];
  return [`< ${value(edges[0])}`, ...edges.slice(1).map((e, i) => `${value(edges[i])}–${value(e)}`), `≥ ${value(edges[edges.length - 1])}`];
}

const shares = (counts: number[]) => {
  const n = counts.reduce((s, x) => s + x, 0);
  return counts.map((c) => (n ? Number(((100 * c) / n).toFixed(2)) : 0));
};

export function histogramChart(box: HTMLElement, f: FeatureSeries, baselineName: string, currentName: string): void {
  const current = f.device_current ?? f.current;
  chart(box, {
    grid: { left: 48, right: 12, top: 32, bottom: 56 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
    xAxis: { type: 'category', data: binLabels(f.edges), axisLabel: { interval: 0, rotate: f.edges.length > 6 ? 35 : 0 } },
    yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    series: [
      { name: `baseline: ${baselineName} (n ${f.baseline.n})`, type: 'bar', data: shares(f.baseline.counts), itemStyle: { color: OKABE_ITO.blue } },
      { name: `current: ${currentName} (n ${current.n})`, type: 'bar', data: shares(current.counts), itemStyle: { color: OKABE_ITO.orange, decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -Math.PI / 4, color: 'rgba(0,0,0,0.25)' } } },
    ],
  }, `${f.feature}: share of samples per bin, baseline against current`);
}

export function seriesChart(box: HTMLElement, f: FeatureSeries, s: DriftSeries, onPick: (startMs: number) => void): void {
  const points = f.device_points ?? f.fleet;
  const { psi_moderate: mod, psi_significant: sig } = s.thresholds;
  const top = Number((Math.max(sig * 1.5, ...points.map((p) => p.psi ?? 0)) * 1.1).toPrecision(2));
  /** A band's name is written inside it only when the band is tall enough to hold it. */
  const named = (from: number, to: number, name: string) => ({ name, label: { show: (to - from) / top > 0.08 } });
  const c = chart(box, {
    grid: { left: 48, right: 16, top: 32, bottom: 40 },
    legend: { top: 0 },
    tooltip: { trigger: 'axis', valueFormatter: (v) => decimal(v as number) },
    xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', max: top },
    series: [
      {
        name: 'PSI', type: 'line', connectNulls: false, showSymbol: true, symbolSize: 7, data: points.map((p) => [p.start_ms, p.psi]), itemStyle: { color: OKABE_ITO.black },
        markArea: {
          silent: true,
          data: [
            [{ yAxis: 0, itemStyle: { color: BAND.stable, opacity: 0.12 }, ...named(0, mod, 'stable') }, { yAxis: mod }],
            [{ yAxis: mod, itemStyle: { color: BAND.moderate, opacity: 0.16 }, ...named(mod, sig, 'moderate') }, { yAxis: sig }],
            [{ yAxis: sig, itemStyle: { color: BAND.significant, opacity: 0.14 }, ...named(sig, top, 'significant') }, { yAxis: top }],
          ],
          label: { position: 'insideRight', color: '#333333', fontSize: 11 },
        },
      },
      { name: 'JS distance', type: 'line', connectNulls: false, symbol: 'triangle', symbolSize: 7, data: points.map((p) => [p.start_ms, p.js]), lineStyle: { type: 'dashed' }, itemStyle: { color: OKABE_ITO.sky } },
    ],
  }, `${f.feature}: PSI and Jensen-Shannon distance per ${s.bucket_ms / 3_600_000} h from ${time(s.from_ms)} to ${time(s.until_ms)}`);
  c.on('click', (p) => onPick((p.value as [number, number])[0]));
}

export const chartBox = (id: string) => h('div', { class: 'chart', id });
