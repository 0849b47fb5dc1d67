// The page's addresses: hash routes (#/coverage?a=weather&b=lighting), so every view and every filter state
// is a real link (bookmarkable, opens in a new tab, works from a file server) and needs nothing from the hub.
export type Query = Record<string, string | number | null | undefined>;

export function href(view: string, q: Query = {}): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const qs = s.toString();
  return `#/${view}${qs ? `?${qs}` : ''}`;
}

export interface Route {
  /** First path part: summary, coverage, drift, handovers, handover, decisions, records. */
  view: string;
  /** Path parts after the view (a handover's device and seq). */
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path, qs = ''] = hash.replace(/^#\/?/, '').split('?');
  const [view = '', ...parts] = path.split('/').map(decodeURIComponent);
  return { view: view || 'summary', parts, query: new URLSearchParams(qs) };
}

/** The query as a plain object of its non-empty values. */
export const params = (q: URLSearchParams, names: string[]): Record<string, string> =>
  Object.fromEntries(names.map((n) => [n, q.get(n) ?? '']).filter(([, v]) => v !== ''));

/** Links to the records behind a figure. */
export const recordsHref = (device: string, from: number, to?: number) => href('records', { device, from: Math.max(1, from), to });
export const handoverHref = (device: string, seq: number) => `#/handover/${encodeURIComponent(device)}/${seq}`;
