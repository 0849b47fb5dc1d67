// Tables of figures: one column list, cells built by functions (text, links, badges). Numeric columns align
// right; the caption says what the table is, for screen readers and print.
import { h, type Child } from './dom.js';

export interface Column<T> {
  title: string;
  cell: (row: T, index: number) => Child;
  numeric?: boolean;
  /** Keep the cell on one line (times, ids). */
  nowrap?: boolean;
  /** A short explanation, shown as the header's tooltip. */
  hint?: string;
}

export function table<T>(caption: string, columns: Column<T>[], rows: T[], attrs: { id?: string; class?: string } = {}): HTMLElement {
  return h('div', { class: `table-wrap ${attrs.class ?? ''}`.trim() },
    h('table', { id: attrs.id },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : undefined, title: c.hint }, c.title)))),
      h('tbody', {}, rows.map((r, i) => h('tr', {}, columns.map((c, j) => h(j === 0 ? 'th' : 'td', { scope: j === 0 ? 'row' : undefined, class: classOf(c) }, c.cell(r, i))))))));
}

function classOf(c: Column<never>): string | undefined {
  return [c.numeric ? 'num' : '', c.nowrap ? 'nowrap' : ''].filter(Boolean).join(' ') || undefined;
}

/** A label with its colour swatch: the word carries the meaning, the colour repeats it. */
export const badge = (text: string, colour: string, cls = '') => h('span', { class: `badge ${cls}`.trim(), style: `--badge:${colour}` }, text);

/** Previous / next page links for a server-paged list; `href(offset)` makes the link for another page. */
export function pager(total: number, offset: number, limit: number, href: (offset: number) => string): HTMLElement {
  const last = Math.min(total, offset + limit);
  return h('nav', { class: 'pager', 'aria-label': 'pages' },
    offset > 0 ? h('a', { href: href(Math.max(0, offset - limit)), rel: 'prev' }, '← previous') : h('span', { class: 'muted' }, '← previous'),
    h('span', { class: 'pager-pos' }, total === 0 ? 'none' : `${offset + 1}–${last} of ${total}`),
    last < total ? h('a', { href: href(offset + limit), rel: 'next' }, 'next →') : h('span', { class: 'muted' }, 'next →'));
}
