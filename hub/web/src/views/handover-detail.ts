// One handover: who passed control to whom and why, the decision and criteria that led to it, the conditions
// measured just before and just after, and the records of the boundary window around it.
import { getJson } from '../api.js';
import type { DecisionLogRow, HandoverDetail, RecordPage, RecordView } from '../api-types.js';
import { h, link, replace, section } from '../dom.js';
import { decimal, duration, time, value, words } from '../format.js';
import { VERDICT } from '../palette.js';
import { href, recordsHref } from '../routes.js';
import { failed, loading, noData } from '../states.js';
import { badge, table } from '../table.js';
import type { View } from '../view.js';
import { bodyOf, recordsTable } from './records-table.js';

const dl = (pairs: [string, unknown][]) => h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v as Node | string)]));

/** Leaf values of a nested body by dotted path: weather.visibilityM → 2000. */
export function flatten(o: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, typeof o === 'number' ? value(o) : JSON.stringify(o).replace(/^"|"$/g, ''));
  return out;
}

function conditions(before: RecordView | null, after: RecordView | null): HTMLElement {
  if (!before && !after) return section('conditions', 'Conditions before and after', noData('Conditions records near this handover'));
  const b = flatten(before ? bodyOf(before) : {});
  const a = flatten(after ? bodyOf(after) : {});
  const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
  const seqCell = (r: RecordView | null) => (r ? link(recordsHref(r.record.deviceId as string, r.seq, r.seq), `seq ${r.seq} · ${time(r.time_ms)}`) : '–');
  return section('conditions', 'Conditions before and after', table('Conditions measured by the last record before and the first after', [
    { title: 'field', cell: (k) => k },
    { title: 'before', cell: (k) => b.get(k) ?? '–' },
    { title: 'after', cell: (k) => (b.get(k) !== a.get(k) ? h('strong', { class: 'changed' }, a.get(k) ?? '–') : a.get(k) ?? '–') },
  ], keys, { id: 'conditions-table', class: 'compact' }), h('p', { class: 'muted' }, 'Before: ', seqCell(before), ' · after: ', seqCell(after)));
}

function decision(d: HandoverDetail['decision'], device: string): HTMLElement {
  if (!d) return section('decision', 'Decision', h('p', {}, 'No decision record triggered this handover (an operator or safety request, or a decision not analysed).'));
  const x = d as DecisionLogRow;
  return section('decision', 'Decision and criteria',
    dl([['verdict', badge(words(x.verdict), VERDICT[x.verdict as keyof typeof VERDICT] ?? '#8a8a8a')], ['reason', x.reason || '–'],
      ['record', link(recordsHref(device, x.seq, x.seq), `seq ${x.seq} · ${time(x.timeMs)}`)], ['trigger', words(x.trigger)],
      ['criteria version', x.criteriaVersion || '–'], ['model', x.modelId ? `${x.modelId} ${x.modelVersion}` : '–'], ['confidence', decimal(x.confidence)]]),
    table('Each criterion: the measured value against its threshold', [
      { title: 'criterion', cell: (c) => c.name },
      { title: 'value', numeric: true, cell: (c) => (c.value === null ? 'not measured' : value(c.value)) },
      { title: 'rule', cell: (c) => `${({ GE: '≥', LE: '≤', GT: '>', LT: '<', EQ: '=' } as Record<string, string>)[c.comparator] ?? c.comparator} ${value(c.threshold)}${c.unit ? ` ${c.unit}` : ''}` },
      { title: 'verdict', cell: (c) => (c.pass ? badge('pass', VERDICT.GO) : badge('fail', VERDICT.NO_GO)) },
    ], x.criteria, { id: 'criteria-table', class: 'compact' }));
}

export const handoverDetailView: View = {
  nav: 'handovers',
  title: 'Handover',
  async render({ root, route, signal }) {
    const [device = '', seqText = ''] = route.parts;
    const head = h('h1', {}, `Handover: ${device} seq ${seqText}`);
    replace(root, head, loading('the handover'));
    let d: HandoverDetail;
    try {
      d = await getJson<HandoverDetail>(`/api/handovers/${encodeURIComponent(device)}/${encodeURIComponent(seqText)}`, {}, signal);
    } catch (e) {
      return replace(root, head, failed('the handover', e));
    }
    const x = d.handover;
    const windowSlot = h('div', { id: 'window-slot' }, loading('the boundary window'));
    replace(root, head,
      h('p', {}, link(href('handovers', { device }), `← all handovers of ${device}`)),
      section('what', `${words(x.phase)}: ${words(x.fromAuthority)} → ${words(x.toAuthority)}`, dl([
        ['time', time(x.timeMs)], ['handover id', x.handoverId || '–'], ['modes', `${x.fromMode || '?'} → ${x.toMode || '?'}`],
        ['initiator', words(x.initiator)], ['reason', x.reason || '–'], ['latency', duration(x.latencyMs)],
        ['cell', x.cell ? h('code', {}, x.cell) : '–'], ['source', x.source ?? '–'],
      ])),
      h('div', { class: 'grid-2' }, decision(d.decision, device), conditions(d.conditions_before, d.conditions_after)),
      section('window', `Boundary window: seq ${d.window.first_seq} to ${d.window.last_seq}`,
        h('p', {}, link(recordsHref(device, d.window.first_seq, d.window.last_seq), 'Open in Records (and re-verify seals)')), windowSlot));
    try {
      const page = await getJson<RecordPage>('/api/records', { device, from: d.window.first_seq, to: d.window.last_seq, limit: 100 }, signal);
      replace(windowSlot, page.rows.length ? recordsTable(page.rows, `Records around the handover (seq ${x.seq} highlighted)`, x.seq) : noData('records in the window'));
    } catch (e) {
      if ((e as Error).name !== 'AbortError') replace(windowSlot, failed('the boundary window', e));
    }
  },
};
