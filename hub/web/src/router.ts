// Hash routing: the hash names the view and its query; on every change the old view's requests are aborted,
// its charts disposed, the new view rendered, the nav marked and focus moved to the new heading. ?go=<id> scrolls to a section.
import { disposeCharts } from './charts.js';
import { parseHash } from './routes.js';
import type { View } from './view.js';

export function startRouter(root: HTMLElement, views: Record<string, View>, nav: HTMLElement): void {
  let current: AbortController | undefined;
  let first = true;
  const show = async () => {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    disposeCharts();
    const route = parseHash(location.hash);
    const view = views[route.view] ?? views.summary;
    document.title = `${view.title} · fieldproof`;
    for (const a of nav.querySelectorAll('a')) {
      if (a.getAttribute('href') === `#/${view.nav}`) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    root.setAttribute('aria-busy', 'true');
    try {
      await view.render({ root, route, signal: controller.signal });
    } catch (e) {
      if ((e as Error).name !== 'AbortError') throw e;
    } finally {
      if (current === controller) {
        root.setAttribute('aria-busy', 'false');
        root.dataset.view = route.view;
        root.dataset.route = location.hash;
        const h1 = root.querySelector('h1');
        h1?.setAttribute('tabindex', '-1');
        if (!first) h1?.focus();
        first = false;
        const go = route.query.get('go');
        if (go) document.getElementById(go)?.scrollIntoView();
      }
    }
  };
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#/') || location.hash === '') void show();
  });
  // In-page links (#devices, the skip link) move focus and scroll; they never change the route.
  document.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a[href^="#"]:not([href^="#/"])');
    if (!a) return;
    const target = document.getElementById(a.getAttribute('href')!.slice(1));
    if (!target) return;
    e.preventDefault();
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus();
    target.scrollIntoView();
  });
  void show();
}
