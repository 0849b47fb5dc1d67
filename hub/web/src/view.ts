// What every view is: a function that fills the main element for a route, fetching only its own API
// routes (aborted through `signal` when the reviewer moves on), with a title for the tab and the heading.
import type { Route } from './routes.js';

export interface ViewContext {
  root: HTMLElement;
  route: Route;
  signal: AbortSignal;
}

export interface View {
  /** The nav entry this view belongs to (a handover's detail belongs to handovers). */
  nav: string;
  title: string;
  render(ctx: ViewContext): Promise<void>;
}
