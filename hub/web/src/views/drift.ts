// Drift: per feature, the fleet's band, PSI and JS distance (current against baseline), each device's bands,
// and for one feature both histograms and PSI/JS over time against the thresholds. Aggregates only.
import { getJson } from '../api.js';
import type { DriftForReport, DriftResult, DriftSeries } from '../api-types.js';
import { h, link, replace, section } from '../dom.js';
import { filterForm } from '../filters.js';
import { count, decimal, time, words } from '../format.js';
import { BAND } from '../palette.js';
import { href, params } from '../routes.js';
import { failed, loading, noData } from '../states.js';
import { badge, table } from '../table.js';
import type { View } from '../view.js';
import { chartBox, histogramChart, seriesChart } from './drift-charts.js';

const QUERY = ['baseline', 'current', 'device', 'since', 'until', 'bucket', 'feature'];
const HOUR_MS = 3_600_000;
const bandBadge = (f: Pick<DriftResult, 'band'>) => badge(words(f.band), BAND[f.band] ?? '#8a8a8a', `band-${f.band}`);

function fleetTable(r: DriftForReport, q: URLSearchParams): HTMLElement {
  return table('Fleet drift per feature', [
    { title: 'feature', cell: (f) => link(href('drift', { ...params(q, QUERY), feature: f.feature }), f.feature) },
    { title: 'band', cell: bandBadge },
    { title: 'PSI', numeric: true, cell: (f) => decimal(f.psi) },
    { title: 'JS distance', numeric: true, cell: (f) => decimal(f.js) },
    { title: 'baseline n', numeric: true, cell: (f) => count(f.baseline_n) },
    { title: 'current n', numeric: true, cell: (f) => count(f.current_n) },
    { title: 'unmeasured (baseline / current)', numeric: true, cell: (f) => `${count(f.baseline_missing)} / ${count(f.current_missing)}` },
  ], r.fleet, { id: 'drift-fleet-table' });
}

function deviceTable(r: DriftForReport, q: URLSearchParams): HTMLElement {
  if (r.devices.length === 0) return h('span', {});
  const features = r.fleet.map((f) => f.feature);
  return section('drift-devices', 'Per device (its current against the fleet\'s baseline)', table('Drift band per device and feature', [
    { title: 'device', cell: (d) => d.device },
    ...features.map((name, i) => ({
      title: name,
      cell: (d: DriftForReport['devices'][number]) => link(href('drift', { ...params(q, QUERY), feature: name, device: d.device }), bandBadge(d.features[i])),
    })),
  ], r.devices, { id: 'drift-device-table', class: 'compact' }));
}

async function featureDetail(slot: HTMLElement, feature: string, q: URLSearchParams, signal: AbortSignal): Promise<void> {
  let s: DriftSeries;
  try {
    s = await getJson<DriftSeries>('/api/drift/series', { feature, device: q.get('device'), baseline: q.get('baseline'), current: q.get('current'), since: q.get('since'), until: q.get('until'), bucket: q.get('bucket') }, signal);
  } catch (e) {
    if ((e as Error).name !== 'AbortError') replace(slot, failed(`the ${feature} series`, e));
    return;
  }
  const f = s.features.find((x) => x.feature === feature);
  if (!f) return replace(slot, noData(`${feature} series`));
  const points = (f.device_points ?? f.fleet).filter((p) => p.n > 0);
  const hist = chartBox('drift-histogram');
  const line = chartBox('drift-series');
  replace(slot, section('feature', `${feature}${s.device ? ` on ${s.device}` : ''}`,
    h('p', { class: 'muted' }, `Baseline: ${s.baseline.description}. Current: ${s.current.description}. Bands: PSI under ${s.thresholds.psi_moderate} stable, `
      + `under ${s.thresholds.psi_significant} moderate, above significant.`),
    f.baseline.n === 0 || (f.device_current ?? f.current).n === 0 ? noData('comparison', 'One side has no samples of this feature.') : null,
    h('div', { class: 'grid-2' }, h('figure', {}, hist, h('figcaption', {}, 'Share of samples per bin')),
      h('figure', {}, line, h('figcaption', {}, `PSI and JS per ${s.bucket_ms / HOUR_MS} h bucket over the bands; pick a point for that bucket's decisions`))),
    points.length ? table(`${feature}: PSI and JS per bucket`, [
      { title: 'bucket', cell: (p) => link(href('decisions', { device: s.device, since: new Date(p.start_ms).toISOString(), until: new Date(p.start_ms + s.bucket_ms).toISOString() }), time(p.start_ms)) },
      { title: 'band', cell: bandBadge },
      { title: 'PSI', numeric: true, cell: (p) => decimal(p.psi) },
      { title: 'JS distance', numeric: true, cell: (p) => decimal(p.js) },
      { title: 'samples', numeric: true, cell: (p) => count(p.n) },
    ], points.slice(-48), { id: 'drift-points-table', class: 'compact' }) : null));
  histogramChart(hist, f, s.baseline.spec, s.current.spec);
  seriesChart(line, f, s, (start) => {
    location.hash = href('decisions', { device: s.device, since: new Date(start).toISOString(), until: new Date(start + s.bucket_ms).toISOString() });
  });
}

export const driftView: View = {
  nav: 'drift',
  title: 'Drift',
  async render({ root, route, signal }) {
    const q = route.query;
    const head = h('h1', {}, 'Drift');
    replace(root, head, loading('drift'));
    let r: DriftForReport;
    try {
      r = await getJson('/api/drift', { baseline: q.get('baseline'), current: q.get('current'), device: q.get('device'), since: q.get('since'), until: q.get('until') }, signal);
    } catch (e) {
      return replace(root, head, failed('drift', e));
    }
    const moved = [...r.fleet].filter((f) => f.psi !== null).sort((x, y) => (y.psi ?? 0) - (x.psi ?? 0));
    const feature = q.get('feature') ?? moved[0]?.feature ?? r.fleet[0]?.feature;
    const form = filterForm('drift', [
      { name: 'feature', label: 'feature', kind: 'select', options: r.fleet.map((f) => ({ value: f.feature, label: f.feature })) },
      { name: 'baseline', label: 'baseline', kind: 'text', placeholder: 'source:simulation' },
      { name: 'current', label: 'current', kind: 'text', placeholder: 'source:field' },
      { name: 'device', label: 'device', kind: 'text', placeholder: 'every device' },
      { name: 'since', label: 'from', kind: 'time' },
      { name: 'until', label: 'until', kind: 'time' },
      { name: 'bucket', label: 'bucket', kind: 'select', options: [['', '1 day'], ['1h', '1 hour'], ['6h', '6 hours'], ['7d', '7 days']].map(([value, label]) => ({ value, label })) },
    ], new URLSearchParams({ ...Object.fromEntries(q), feature: feature ?? '' }));
    const slot = h('div', { id: 'feature-slot' }, feature ? loading(`the ${feature} series`) : null);
    replace(root, head, form,
      h('p', { class: 'muted', id: 'drift-selection' }, `Current: ${r.current.description} (${r.current.spec}). Baseline: ${r.baseline.description} (${r.baseline.spec}). `
        + `PSI bands at ${r.thresholds.psi_moderate} and ${r.thresholds.psi_significant}.`),
      r.fleet.every((f) => f.band === 'no_data') ? noData('drift comparison', 'Both the baseline and the current selection need samples; change either above.') : null,
      section('drift-fleet', 'Fleet', fleetTable(r, q)), deviceTable(r, q), slot);
    if (feature) await featureDetail(slot, feature, q, signal);
  },
};
