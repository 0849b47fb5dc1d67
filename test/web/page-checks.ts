// Reading the reviewer page back in tests: a table's body as text, figures as numbers, the same formatting
// the page uses (so expected strings come from the API's JSON), and screenshots under test-output/web/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from '../helpers/cli.js';

export const OUTPUT = join(ROOT, 'test-output', 'web');

export async function shot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** The rows of a table's body, each cell's visible text trimmed (header row left out). */
export async function rows(page: Page, tableId: string): Promise<string[][]> {
  return page.$$eval(`#${tableId} tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => (c as HTMLElement).innerText.trim())));
}

export async function headers(page: Page, tableId: string): Promise<string[]> {
  return page.$$eval(`#${tableId} thead th`, (ths) => ths.map((th) => (th as HTMLElement).innerText.trim()));
}

/** "23,230" → 23230 */
export const num = (text: string): number => Number(text.replace(/,/g, ''));

/** The page's own formatting (hub/web/src/format.ts, unit-tested in format.test.ts): expected text from the API's JSON. */
export * as fmt from '../../hub/web/src/format.js';
