// Handovers: a timeline across devices (colour and shape by direction) and the paged log under it, filtered on
// the server by device, time, phase, initiator, direction and reason; each handover opens its detail.
import { getJson } from '../api.js';
import type { HandoverLog, HandoverLogRow } from '../api-types.js';
import { chart } from '../charts.js';
import { h, link, replace, section } from '../dom.js';
import { filterForm } from '../filters.js';
import { count, duration, time, words } from '../format.js';
import { OKABE_ITO } from '../palette.js';
import { handoverHref, href, params, recordsHref } from '../routes.js';
import { failed, loading, noData } from '../states.js';
import { pager, table } from '../table.js';
import type { View } from '../view.js';

const QUERY = ['device', 'since', 'until', 'phase', 'initiator', 'to', 'reason', 'cell', 'limit'];
/** Rows the timeline draws at most: the API's page limit; beyond it the reviewer narrows the time range. */
const TIMELINE_MAX = 1000;
const DIRECTIONS = [
  { to: 'HUMAN', label: 'to human', colour: OKABE_ITO.vermillion, symbol: 'triangle' },
  { to: 'AUTONOMY', label: 'to autonomy', colour: OKABE_ITO.blue, symbol: 'circle' },
  { to: 'SAFETY_MONITOR', label: 'to safety monitor', colour: OKABE_ITO.purple, symbol: 'diamond' },
];
const opts = (xs: string[]) => [{ value: '', label: 'any' }, ...xs.map((x) => ({ value: x, label: words(x) }))];

function timeline(box: HTMLElement, rows: HandoverLogRow[]): void {
  const devices = [...new Set(rows.map((r) => r.deviceId))].sort();
  const c = chart(box, {
    grid: { left: 110, right: 24, top: 32, bottom: 48 },
    legend: { top: 0 },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const r = (p as unknown as { data: { row: HandoverLogRow } }).data.row;
        return `${r.deviceId} seq ${r.seq} · ${time(r.timeMs)}<br>${words(r.phase)}: ${words(r.fromAuthority)} → ${words(r.toAuthority)}<br>${r.initiator.toLowerCase()}: ${r.reason || '–'}`;
      },
    },
    xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
    yAxis: { type: 'category', data: devices },
    dataZoom: [{ type: 'inside', xAxisIndex: 0 }],
    series: DIRECTIONS.map((d) => ({
      name: d.label, type: 'scatter' as const, symbol: d.symbol, symbolSize: 12, itemStyle: { color: d.colour, opacity: 0.85 },
      data: rows.filter((r) => r.toAuthority === d.to).map((r) => ({ value: [r.timeMs, r.deviceId], row: r, symbolRotate: r.phase === 'REQUESTED' ? 0 : undefined })),
    })),
  }, `Timeline of ${rows.length} handover records across ${devices.length} device(s); the same rows are in the table below`);
  c.on('click', (p) => {
    const r = (p.data as { row: HandoverLogRow }).row;
    location.hash = handoverHref(r.deviceId, r.seq);
  });
}

export function handoverTable(rows: HandoverLogRow[], caption: string): HTMLElement {
  return table(caption, [
    { title: 'time', nowrap: true, cell: (r) => link(handoverHref(r.deviceId, r.seq), time(r.timeMs)) },
    { title: 'device', nowrap: true, cell: (r) => r.deviceId },
    { title: 'seq', numeric: true, cell: (r) => link(recordsHref(r.deviceId, r.seq - 5, r.seq + 5), String(r.seq)) },
    { title: 'phase', cell: (r) => words(r.phase) },
    { title: 'direction', cell: (r) => `${words(r.fromAuthority)} → ${words(r.toAuthority)}` },
    { title: 'modes', cell: (r) => `${r.fromMode || '?'} → ${r.toMode || '?'}` },
    { title: 'initiator', cell: (r) => words(r.initiator) },
    { title: 'reason', cell: (r) => r.reason || '–' },
    { title: 'latency', numeric: true, nowrap: true, cell: (r) => duration(r.latencyMs) },
    { title: 'decision', numeric: true, nowrap: true, cell: (r) => (r.decisionSeq === null ? '–' : link(recordsHref(r.deviceId, r.decisionSeq, r.decisionSeq), `seq ${r.decisionSeq}`)) },
    { title: 'cell', cell: (r) => (r.cell ? h('code', {}, r.cell) : '–') },
  ], rows, { id: 'handovers-table' });
}

export const handoversView: View = {
  nav: 'handovers',
  title: 'Handovers',
  async render({ root, route, signal }) {
    const q = route.query;
    const head = h('h1', {}, 'Handovers');
    const limit = Number(q.get('limit') ?? 50);
    const offset = Number(q.get('offset') ?? 0);
    const form = filterForm('handovers', [
      { name: 'device', label: 'device', kind: 'text', placeholder: 'every device' },
      { name: 'since', label: 'from', kind: 'time' },
      { name: 'until', label: 'until', kind: 'time' },
      { name: 'to', label: 'direction', kind: 'select', options: [{ value: '', label: 'any' }, ...DIRECTIONS.map((d) => ({ value: d.to, label: d.label }))] },
      { name: 'phase', label: 'phase', kind: 'select', options: opts(['REQUESTED', 'ACCEPTED', 'REJECTED', 'TIMED_OUT']) },
      { name: 'initiator', label: 'initiator', kind: 'select', options: opts(['SYSTEM', 'OPERATOR', 'SAFETY']) },
      { name: 'reason', label: 'reason contains', kind: 'text' },
      { name: 'limit', label: 'per page', kind: 'select', options: ['50', '100', '250'].map((v) => ({ value: v, label: v })) },
    ], new URLSearchParams({ ...Object.fromEntries(q), limit: String(limit) }), q.get('cell') ? { cell: q.get('cell') } : {});
    replace(root, head, form, loading('handovers'));
    let log: HandoverLog;
    let all: HandoverLog;
    try {
      const filters = params(q, QUERY.filter((k) => k !== 'limit'));
      [log, all] = await Promise.all([
        getJson<HandoverLog>('/api/handovers', { ...filters, limit, offset }, signal),
        getJson<HandoverLog>('/api/handovers', { ...filters, limit: TIMELINE_MAX }, signal),
      ]);
    } catch (e) {
      return replace(root, head, form, failed('handovers', e));
    }
    if (log.total === 0) return replace(root, head, form, noData('handovers', Object.keys(params(q, QUERY)).length ? 'None match these filters.' : undefined));
    const box = h('div', { class: 'chart', id: 'handover-timeline' });
    const page = (o: number) => href('handovers', { ...params(q, QUERY), offset: o });
    replace(root, head, form,
      q.get('cell') ? h('p', {}, 'In cell ', h('code', {}, q.get('cell')!), '.') : null,
      h('p', { id: 'handover-count' }, `${count(log.total)} handover record(s) match; this page shows ${count(log.rows.length)}.`),
      section('timeline', 'Timeline',
        h('p', { class: 'muted' }, all.rows.length < all.total ? `The first ${count(all.rows.length)} of ${count(all.total)} are drawn: narrow the time range to see the rest. ` : '',
          'Pick a mark for that handover\'s detail; scroll on the chart to zoom in time.'), box),
      section('log', 'Log', pager(log.total, offset, limit, page), handoverTable(log.rows, 'Handover records, oldest first per device'), pager(log.total, offset, limit, page)));
    timeline(box, all.rows);
  },
};
