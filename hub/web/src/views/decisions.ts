// Decisions: every go/no-go with the criteria that failed, the criteria version and model in force, and the
// cell it was made in; no-go counts by criterion; server-filtered and paged; each row opens its record.
import { getJson } from '../api.js';
import type { DecisionLog } from '../api-types.js';
import { h, link, replace, section } from '../dom.js';
import { filterForm } from '../filters.js';
import { count, decimal, time, value, words } from '../format.js';
import { VERDICT } from '../palette.js';
import { href, params } from '../routes.js';
import { failed, loading, noData } from '../states.js';
import { badge, pager, table } from '../table.js';
import type { View } from '../view.js';

const QUERY = ['device', 'since', 'until', 'verdict', 'cell', 'limit'];

export const decisionsView: View = {
  nav: 'decisions',
  title: 'Decisions',
  async render({ root, route, signal }) {
    const q = route.query;
    const head = h('h1', {}, 'Decisions');
    const limit = Number(q.get('limit') ?? 100);
    const offset = Number(q.get('offset') ?? 0);
    const form = filterForm('decisions', [
      { name: 'device', label: 'device', kind: 'text', placeholder: 'every device' },
      { name: 'since', label: 'from', kind: 'time' },
      { name: 'until', label: 'until', kind: 'time' },
      { name: 'verdict', label: 'verdict', kind: 'select', options: [{ value: '', label: 'any' }, { value: 'GO', label: 'go' }, { value: 'NO_GO', label: 'no-go' }] },
      { name: 'limit', label: 'per page', kind: 'select', options: ['50', '100', '250'].map((v) => ({ value: v, label: v })) },
    ], new URLSearchParams({ ...Object.fromEntries(q), limit: String(limit) }), q.get('cell') ? { cell: q.get('cell') } : {});
    replace(root, head, form, loading('decisions'));
    let log: DecisionLog;
    try {
      log = await getJson<DecisionLog>('/api/decisions', { ...params(q, QUERY), limit, offset }, signal);
    } catch (e) {
      return replace(root, head, form, failed('decisions', e));
    }
    if (log.total === 0) return replace(root, head, form, noData('decisions', Object.keys(params(q, QUERY)).length ? 'None match these filters.' : undefined));
    const page = (o: number) => href('decisions', { ...params(q, QUERY), offset: o });
    const byCriterion = Object.entries(log.no_go_by_criterion);
    replace(root, head, form,
      q.get('cell') ? h('p', {}, 'In cell ', h('code', {}, q.get('cell')!), '.') : null,
      h('p', { id: 'decision-count' }, `${count(log.total)} decision(s) match: ${count(log.go)} go, ${count(log.no_go)} no-go.`
        + (byCriterion.length ? ` No-go by failing criterion: ${byCriterion.map(([k, n]) => `${k} ${count(n)}`).join(', ')}.` : '')),
      section('decision-log', 'Log', pager(log.total, offset, limit, page), table('Go/no-go decisions', [
        { title: 'time', nowrap: true, cell: (d) => link(href('records', { device: d.deviceId, from: Math.max(1, d.seq - 5), to: d.seq + 5, at: d.seq }), time(d.timeMs)) },
        { title: 'device', nowrap: true, cell: (d) => d.deviceId },
        { title: 'seq', numeric: true, cell: (d) => String(d.seq) },
        { title: 'verdict', cell: (d) => badge(words(d.verdict), VERDICT[d.verdict as keyof typeof VERDICT] ?? '#8a8a8a') },
        {
          title: 'failed criteria',
          cell: (d) => d.criteria.filter((c) => !c.pass).map((c) => `${c.name} ${c.value === null ? 'not measured' : value(c.value)} (${c.comparator} ${value(c.threshold)})`).join('; ') || '–',
        },
        { title: 'confidence', numeric: true, cell: (d) => decimal(d.confidence) },
        { title: 'criteria', cell: (d) => d.criteriaVersion || '–' },
        { title: 'cell', cell: (d) => (d.cell ? h('code', {}, d.cell) : '–') },
      ], log.rows, { id: 'decisions-table' }), pager(log.total, offset, limit, page)));
  },
};
