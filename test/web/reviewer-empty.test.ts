// The reviewer page on a hub that has stored nothing yet, and on requests the hub refuses: every view says so
// in a sentence (the hub's own message for a bad parameter or an unknown handover), never a blank or a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dir.js';
import { chromiumAvailable, launch, open, type Browser } from './browser.js';
import { shot } from './page-checks.js';
import { startWebHub, type WebHub } from './web-hub.js';

const available = chromiumAvailable();
const tempDir = useTempDirs('fp-web-empty-');
let hub: WebHub;
let b: Browser;

beforeAll(async () => {
  if (!available) return;
  hub = await startWebHub(tempDir(), { field: false, matrix: false });
  b = await launch();
}, 300_000);

afterAll(async () => {
  await b?.close();
  await hub?.stop();
});

const stateText = () => b.page.locator('#view .state').allInnerTexts();

describe.skipIf(!available)('reviewer page on an empty hub', () => {
  it.each([
    ['#/summary', 'No devices yet. No device has sent a segment to this hub.'],
    ['#/coverage', 'No Conditions samples yet. Coverage appears once the analyst has filed samples into cells.'],
    ['#/drift', 'No drift comparison yet. Both the baseline and the current selection need samples; change either above.'],
    ['#/handovers', 'No handovers yet. The hub has not stored or analysed any yet.'],
    ['#/decisions', 'No decisions yet. The hub has not stored or analysed any yet.'],
    ['#/records', 'Pick a device and a seq range, or follow a link from a figure, a handover or a device.'],
  ])('%s says there is nothing yet', async (route, text) => {
    await open(b.page, hub.url, route);
    expect(await stateText()).toContain(text);
    await shot(b.page, `empty-${route.slice(2)}`, false);
  });

  it('shows the hub\'s message for a refused parameter and for a handover that does not exist', async () => {
    await open(b.page, hub.url, '#/records?device=ugv-1&from=0');
    expect(await stateText()).toEqual([expect.stringMatching(/^Could not load the records: from: expected a whole number 1-\d+, got "0"$/)]);
    await open(b.page, hub.url, '#/handover/ugv-1/7');
    expect(await stateText()).toEqual(['Could not load the handover: no handover at ugv-1 seq 7']);
    await open(b.page, hub.url, '#/drift?baseline=source:nowhere');
    expect((await stateText())[0]).toMatch(/^Could not load drift: baseline: /);
    await shot(b.page, 'empty-error', false);
    expect(b.problems.filter((p) => !p.includes('status of 400') && !p.includes('status of 404'))).toEqual([]);
  });
});
