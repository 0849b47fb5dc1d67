// The filter bar above a list or chart: a real <form> (Enter submits, labels on every field) whose submit
// moves to the same view with the new query, so the server filters and pages, and the result is a link.
import { h } from './dom.js';
import { href, type Query } from './routes.js';

export type Field =
  | { name: string; label: string; kind: 'text'; placeholder?: string; list?: string[] }
  | { name: string; label: string; kind: 'time' }
  | { name: string; label: string; kind: 'select'; options: { value: string; label: string }[] };

/** datetime-local shows "2026-12-04T18:15"; the hub takes ISO 8601 in UTC: the page says UTC and appends Z. */
export const toInput = (v: string): string => {
  if (!v) return '';
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16) : '';
};
export const fromInput = (v: string): string => (v ? `${v.length === 16 ? `${v}:00` : v}Z` : '');

export function filterForm(view: string, fields: Field[], q: URLSearchParams, keep: Query = {}): HTMLFormElement {
  const controls = fields.map((f) => {
    const id = `f-${f.name}`;
    const current = q.get(f.name) ?? '';
    let control: HTMLElement;
    if (f.kind === 'select') {
      control = h('select', { id, name: f.name }, f.options.map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)));
    } else if (f.kind === 'time') {
      control = h('input', { id, name: f.name, type: 'datetime-local', step: 60, value: toInput(current) });
    } else {
      control = h('input', { id, name: f.name, type: 'text', value: current, placeholder: f.placeholder, list: f.list ? `${id}-list` : undefined, autocomplete: 'off' });
    }
    const list = f.kind === 'text' && f.list ? h('datalist', { id: `${id}-list` }, f.list.map((v) => h('option', { value: v }))) : null;
    return h('div', { class: 'field' }, h('label', { for: id }, f.label, f.kind === 'time' ? h('span', { class: 'unit' }, ' (UTC)') : null), control, list);
  });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': `filter ${view}` },
    ...controls,
    h('div', { class: 'field actions' }, h('button', { type: 'submit' }, 'Apply'), h('a', { href: href(view, keep), class: 'button secondary' }, 'Clear')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const next: Query = { ...keep };
    for (const f of fields) {
      const v = String(data.get(f.name) ?? '').trim();
      next[f.name] = f.kind === 'time' ? fromInput(v) : v;
    }
    location.hash = href(view, next);
  });
  return form;
}
