// Records: a device's stored records in a seq range, decoded, a page at a time (the hub caps the page), with
// their segments and checkpoint; "Re-verify seals" asks the hub to check each segment's seal and links now.
import { getJson } from '../api.js';
import type { RecordPage } from '../api-types.js';
import { h, link, replace } from '../dom.js';
import { filterForm } from '../filters.js';
import { count } from '../format.js';
import { href, params } from '../routes.js';
import { failed, loading, noData } from '../states.js';
import type { View } from '../view.js';
import { recordsTable } from './records-table.js';

const QUERY = ['device', 'from', 'to', 'limit'];

export const recordsView: View = {
  nav: 'records',
  title: 'Records',
  async render({ root, route, signal }) {
    const q = route.query;
    const head = h('h1', {}, 'Records');
    const form = filterForm('records', [
      { name: 'device', label: 'device', kind: 'text' },
      { name: 'from', label: 'from seq', kind: 'text', placeholder: '1' },
      { name: 'to', label: 'to seq', kind: 'text' },
      { name: 'limit', label: 'per page', kind: 'select', options: ['50', '100', '250'].map((v) => ({ value: v, label: v })) },
    ], q);
    const device = q.get('device');
    if (!device) return replace(root, head, form, h('p', { class: 'state' }, 'Pick a device and a seq range, or follow a link from a figure, a handover or a device.'));
    const limit = Number(q.get('limit') ?? 50);
    const verify = q.get('verify') === '1';
    replace(root, head, form, loading(verify ? 'the records and re-verifying their seals' : 'the records'));
    let page: RecordPage;
    try {
      page = await getJson<RecordPage>('/api/records', { device, from: q.get('from') ?? 1, to: q.get('to'), limit, verify }, signal);
    } catch (e) {
      return replace(root, head, form, failed('the records', e));
    }
    const base = params(q, QUERY);
    const from = page.from_seq;
    replace(root, head, form,
      h('div', { class: 'record-actions' },
        h('p', { id: 'records-range' }, `${device}: seq ${count(page.from_seq)} to ${count(page.to_seq)}, ${count(page.rows.length)} record(s) on this page.`),
        verify ? h('p', { class: 'muted' }, 'Seals re-verified by the hub just now against the device\'s registered keys.')
          : h('a', { href: href('records', { ...base, verify: 1 }), class: 'button', id: 'verify-seals' }, 'Re-verify seals')),
      page.rows.length === 0 ? noData('records in this range', 'The hub has not stored any here.') : recordsTable(page.rows, `Records of ${device}`, q.get('at') ? Number(q.get('at')) : undefined),
      h('nav', { class: 'pager', 'aria-label': 'pages' },
        from > 1 ? link(href('records', { ...base, from: Math.max(1, from - limit), to: from - 1 }), '← earlier') : h('span', { class: 'muted' }, '← earlier'),
        page.next_seq !== null ? link(href('records', { ...base, from: page.next_seq }), 'later →') : h('span', { class: 'muted' }, 'later →')));
  },
};
