// Debian's Chromium driven by playwright-core, for the reviewer page's tests. No browser is ever downloaded:
// without /usr/bin/chromium the tests skip, except under CI (CI=true or FIELDPROOF_REQUIRE_SERVICES=1) where they fail.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.FIELDPROOF_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const truthy = (v: string | undefined) => ['1', 'true', 'yes'].includes((v ?? '').toLowerCase());
export const REQUIRED = truthy(process.env.CI) || truthy(process.env.FIELDPROOF_REQUIRE_SERVICES);

/**
 * True when Chromium is there. When it is not: under CI throws (the browser tests must run there), otherwise
 * prints why the tests skip and returns false.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const why = `${CHROMIUM} is missing (install Debian's package: apt-get install -y chromium)`;
  if (REQUIRED) throw new Error(`reviewer page browser tests: ${why}, and CI must run them; never download a browser`);
  process.stderr.write(`skipping reviewer page browser tests: ${why}\n`);
  return false;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests seen so far: a page that logs none is the expectation. */
  problems: string[];
  close(): Promise<void>;
}

/** A fresh profile each time, so no state leaks between runs. */
export async function launch(viewport = { width: 1366, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'fp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} at ${m.location().url}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
  return {
    context, page, problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Goes to a route of the page and waits until its view has rendered. */
export async function open(page: Page, base: string, route: string): Promise<void> {
  await page.goto(new URL(route, base).toString());
  await settle(page);
}

/** Waits until the view for the current hash has rendered (the router marks main with the hash it drew). */
export async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const main = document.getElementById('view');
    return main?.getAttribute('aria-busy') === 'false' && main.dataset.route === location.hash;
  }, null, { timeout: 15_000 });
}
