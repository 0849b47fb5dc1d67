// What a view shows while it waits, when the hub has nothing yet, and when a request fails: always a sentence
// a reviewer can act on, never a blank box. Each message is a live region, so screen readers announce it.
import { h } from './dom.js';

export const loading = (what: string) => h('p', { class: 'state loading', role: 'status' }, `Loading ${what}…`);

export const noData = (what: string, hint = 'The hub has not stored or analysed any yet.') =>
  h('p', { class: 'state empty', role: 'status' }, h('strong', {}, `No ${what} yet. `), hint);

export const failed = (what: string, err: unknown) =>
  h('p', { class: 'state error', role: 'alert' }, h('strong', {}, `Could not load ${what}: `), err instanceof Error ? err.message : String(err));
