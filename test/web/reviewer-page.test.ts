// The reviewer page in Debian's Chromium against a real `fieldproof hub --http` holding a field-like run and a
// simulated matrix run: every figure shown equals the JSON API, filters reach the server, figures drill to records.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CoverageGrid, CoverageReport, DecisionLog, DriftForReport, DriftSeries, HandoverDetail, HandoverLog, MatrixReport, RecordPage, Summary,
} from '../../hub/web/src/api-types.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { chromiumAvailable, launch, open, settle, type Browser } from './browser.js';
import { fmt, num, OUTPUT, rows, shot } from './page-checks.js';
import { MATRIX_ID, startWebHub, type WebHub } from './web-hub.js';

const available = chromiumAvailable();
const tempDir = useTempDirs('fp-web-');
let hub: WebHub;
let b: Browser;
const requested: string[] = [];

beforeAll(async () => {
  if (!available) return;
  hub = await startWebHub(tempDir(), { field: true, matrix: true });
  b = await launch();
  b.page.on('request', (r) => requested.push(r.url()));
}, 300_000);

afterAll(async () => {
  await b?.close();
  await hub?.stop();
});

const go = (route: string) => open(b.page, hub.url, route);
const bandText = (band: string) => fmt.words(band);

describe.skipIf(!available)('reviewer page on a real hub --http', () => {
  it('summary: tiles, coverage, drift, per-day, worst cells and checkpoints equal /api/summary; prints on one A4 page', async () => {
    await go('#/summary');
    const s = await hub.api<Summary>('/api/summary');
    const tiles = await b.page.$$eval('#fleet-tiles .tile-value', (xs) => xs.map((x) => (x as HTMLElement).innerText));
    expect(tiles).toEqual([s.devices.total, s.devices.online ?? 'unknown', s.devices.silent, s.devices.integrity_failures, s.devices.with_unexplained_holes].map(String));
    expect(s.devices.total).toBe(8);
    const shown = s.coverage.coverage.filter((c) => c.sources === 'all' || s.coverage.totals[c.sources].samples > 0);
    expect(shown.map((c) => c.sources)).toEqual(['all', 'field', 'simulation']);
    expect(await rows(b.page, 'coverage-table')).toEqual(shown.map((c) => [
      c.sources, fmt.count(s.coverage.totals[c.sources].samples), fmt.ofValid(c.t1.covered, c.t1.valid), fmt.ofValid(c.t2.covered, c.t2.valid), fmt.ofValid(c.cells.covered, c.cells.valid),
    ]));
    expect(await rows(b.page, 'drift-table')).toEqual(s.drift.features.map((f) => [f.feature, bandText(f.band), fmt.decimal(f.psi), fmt.decimal(f.js)]));
    expect(await rows(b.page, 'days-table')).toEqual(s.days.slice(-14).map((d) => [fmt.day(d.day_ms), fmt.count(d.handovers), fmt.count(d.no_go), fmt.count(d.go)]));
    expect(s.worst_cells.length).toBeGreaterThan(0);
    expect((await rows(b.page, 'worst-table')).map((r) => r.slice(0, 4))).toEqual(s.worst_cells.map((c) => [c.cell, fmt.count(c.decisions), fmt.count(c.no_go), fmt.percent(c.no_go_rate)]));
    const devices = await rows(b.page, 'devices-table');
    expect(devices.map((r) => [r[0].split(/\s/)[0], r[3], r[4], r[5]])).toEqual(s.devices.rows.map((d) => [d.device, fmt.count(d.records), `seq ${fmt.count(d.checkpoint.seq)}`, d.checkpoint.hash.slice(0, 12)]));
    await shot(b.page, 'summary');

    // A4 less the print stylesheet's 10 mm margins, at 96 dpi: the charts redraw at the printed width
    await b.page.setViewportSize({ width: 718, height: 1047 });
    await b.page.emulateMedia({ media: 'print' });
    await b.page.waitForTimeout(200);
    await shot(b.page, 'summary-print');
    const pdf = await b.page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(OUTPUT, 'summary.pdf'), pdf);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
    await b.page.emulateMedia({ media: 'screen' });
    await b.page.setViewportSize({ width: 1366, height: 900 });
  });

  it('coverage: t-way figures, the heat map, uncovered and field-only pairs equal the API; dimensions and source go to the server', async () => {
    await go('#/coverage');
    const r = await hub.api<CoverageReport>('/api/coverage?limit=50');
    const [a, bDim] = r.taxonomy.dimensions;
    expect(await rows(b.page, 'tway-table')).toEqual(r.coverage.map((c) => [
      c.sources, fmt.count(r.totals[c.sources].samples), fmt.duration(r.totals[c.sources].exposure_ms),
      fmt.ofValid(c.t1.covered, c.t1.valid), fmt.ofValid(c.t2.covered, c.t2.valid), fmt.ofValid(c.t3.covered, c.t3.valid), fmt.ofValid(c.cells.covered, c.cells.valid),
    ]));
    const expectGrid = async (g: CoverageGrid) => {
      await b.page.click('#heatmap details.as-table > summary');
      expect(await rows(b.page, 'heatmap-table')).toEqual(g.a_levels.map((la, i) => [la, ...g.samples[i].map((n) => (n > 0 ? fmt.count(n) : '–'))]));
    };
    await expectGrid(await hub.api<CoverageGrid>(`/api/coverage/grid?a=${a}&b=${bDim}`));
    expect(await b.page.locator('#uncovered h2').innerText()).toBe(`Uncovered pairs (${fmt.count(r.uncovered_pairs_total)})`);
    expect(await b.page.$$eval('#uncovered-list li', (xs) => xs.map((x) => (x as HTMLElement).innerText))).toEqual(r.uncovered_pairs.map(fmt.combination));
    expect(r.field_only_pairs.length).toBeGreaterThan(0);
    expect(await rows(b.page, 'field-only-table')).toEqual(r.field_only_pairs.map((p) => [fmt.combination(p.combination), fmt.count(p.samples), fmt.duration(p.exposure_s * 1000), p.excluded ? 'excluded by a constraint' : '']));
    await shot(b.page, 'coverage');

    await b.page.selectOption('#f-a', 'lighting');
    await b.page.selectOption('#f-b', 'occlusion');
    await b.page.selectOption('#f-source', 'field');
    await b.page.click('form.filters button[type=submit]');
    await settle(b.page);
    expect(new URLSearchParams(new URL(b.page.url()).hash.split('?')[1]).toString()).toContain('a=lighting&b=occlusion&source=field');
    const g = await hub.api<CoverageGrid>('/api/coverage/grid?a=lighting&b=occlusion&source=field');
    await expectGrid(g);

    // a square of the heat map drills to the full cells behind it
    const i = g.samples.findIndex((row) => row.some((n) => n > 0));
    const j = g.samples[i].findIndex((n) => n > 0);
    const box = (await b.page.locator('#heatmap-chart').boundingBox())!;
    await b.page.mouse.click(box.x + 96 + ((j + 0.5) * (box.width - 120)) / g.b_levels.length, box.y + 8 + ((i + 0.5) * (box.height - 72)) / g.a_levels.length);
    await settle(b.page);
    expect(b.page.url()).toContain(`la=${g.a_levels[i]}&lb=${g.b_levels[j]}`);
    const full = await hub.api<CoverageReport>('/api/coverage?limit=50');
    const cells = full.cells.filter((c) => c.cell.lighting === g.a_levels[i] && c.cell.occlusion === g.b_levels[j]).sort((x, y) => y.total.samples - x.total.samples);
    expect((await rows(b.page, 'pair-table')).map((row) => [row[0], row[1]])).toEqual(cells.map((c) => [c.key, fmt.count(c.total.samples)]));
    expect(cells.reduce((sum, c) => sum + (c.by_source.field?.samples ?? 0), 0)).toBe(g.samples[i][j]);
    await shot(b.page, 'coverage-pair');
  });

  it('coverage of a matrix run: planned against achieved equals /api/matrix/:id, the t-way figures /api/coverage?matrix', async () => {
    await go(`#/coverage?matrix=${MATRIX_ID}`);
    const m = await hub.api<MatrixReport>(`/api/matrix/${MATRIX_ID}`);
    const r = await hub.api<CoverageReport>(`/api/coverage?matrix=${MATRIX_ID}&limit=50`);
    expect(m.rows).toHaveLength(hub.matrix!.rows);
    expect((await rows(b.page, 'matrix-table')).map((x) => x.slice(0, 6))).toEqual(m.rows.map((x) => [
      x.row_id, x.device, x.planned_cell ?? 'nothing planned', fmt.count(x.samples), fmt.percent(x.share), x.met === null ? '–' : x.met ? 'met' : 'not met',
    ]));
    expect(await b.page.locator('#matrix-totals').innerText()).toContain(`${m.totals.met} met the plan`);
    expect((await rows(b.page, 'tway-table')).map((x) => x[1])).toEqual(r.coverage.map((c) => fmt.count(r.totals[c.sources].samples)));
    expect(r.totals.field.samples).toBe(0);
    await shot(b.page, 'coverage-matrix');
  });

  it('drift: fleet and per-device bands equal /api/drift; the feature series equals /api/drift/series; the baseline filter reaches the server', async () => {
    await go('#/drift');
    const d = await hub.api<DriftForReport>('/api/drift');
    const fleet = (x: DriftForReport) => x.fleet.map((f) => [f.feature, bandText(f.band), fmt.decimal(f.psi), fmt.decimal(f.js), fmt.count(f.baseline_n), fmt.count(f.current_n)]);
    expect((await rows(b.page, 'drift-fleet-table')).map((x) => x.slice(0, 6))).toEqual(fleet(d));
    expect((await rows(b.page, 'drift-device-table')).map((x) => x[0])).toEqual(d.devices.map((x) => x.device));
    const feature = [...d.fleet].sort((x, y) => (y.psi ?? 0) - (x.psi ?? 0))[0].feature;
    expect(await b.page.locator('#f-feature').inputValue()).toBe(feature);
    const s = await hub.api<DriftSeries>(`/api/drift/series?feature=${feature}`);
    const points = s.features[0].fleet.filter((p) => p.n > 0);
    expect(await rows(b.page, 'drift-points-table')).toEqual(points.map((p) => [fmt.time(p.start_ms), bandText(p.band), fmt.decimal(p.psi), fmt.decimal(p.js), fmt.count(p.n)]));
    expect(await b.page.locator('#drift-histogram svg').count()).toBe(1);
    expect(await b.page.locator('#drift-series svg').count()).toBe(1);
    await shot(b.page, 'drift');

    await b.page.fill('#f-baseline', 'source:field,first-days:1');
    await b.page.click('form.filters button[type=submit]');
    await settle(b.page);
    const early = await hub.api<DriftForReport>('/api/drift?baseline=source:field,first-days:1');
    expect((await rows(b.page, 'drift-fleet-table')).map((x) => x.slice(0, 6))).toEqual(fleet(early));
    expect(new Set(early.fleet.map((f) => f.band))).toEqual(new Set(['stable', 'significant']));
    expect(await b.page.locator('#drift-selection').innerText()).toContain(early.baseline.description);
  });

  it('handovers: the log equals /api/handovers; device, direction and initiator filter on the server; pages; the timeline opens a detail', async () => {
    await go('#/handovers');
    const all = await hub.api<HandoverLog>('/api/handovers?limit=50');
    expect(await b.page.locator('#handover-count').innerText()).toContain(`${fmt.count(all.total)} handover record(s) match`);
    const row = (h: HandoverLog['rows'][number]) => [fmt.time(h.timeMs), h.deviceId, String(h.seq), fmt.words(h.phase), `${fmt.words(h.fromAuthority)} → ${fmt.words(h.toAuthority)}`];
    expect((await rows(b.page, 'handovers-table')).map((x) => x.slice(0, 5))).toEqual(all.rows.map(row));

    await b.page.fill('#f-device', 'ugv-field-1');
    await b.page.selectOption('#f-to', 'HUMAN');
    await b.page.selectOption('#f-initiator', 'SYSTEM');
    await b.page.click('form.filters button[type=submit]');
    await settle(b.page);
    const some = await hub.api<HandoverLog>('/api/handovers?device=ugv-field-1&to=HUMAN&initiator=SYSTEM&limit=50');
    expect(some.total).toBeGreaterThan(50);
    expect(await b.page.locator('#handover-count').innerText()).toContain(`${fmt.count(some.total)} handover record(s) match`);
    expect((await rows(b.page, 'handovers-table')).map((x) => x.slice(0, 5))).toEqual(some.rows.map(row));
    await b.page.locator('#log nav.pager a[rel=next]').first().click();
    await settle(b.page);
    const next = await hub.api<HandoverLog>('/api/handovers?device=ugv-field-1&to=HUMAN&initiator=SYSTEM&limit=50&offset=50');
    expect((await rows(b.page, 'handovers-table')).map((x) => x.slice(0, 5))).toEqual(next.rows.map(row));
    await shot(b.page, 'handovers');

    // a mark on the timeline (below the legend) opens that handover's detail
    const chartBox = (await b.page.locator('#handover-timeline').boundingBox())!;
    const marks = await b.page.locator('#handover-timeline svg path').elementHandles();
    let clicked = false;
    for (const m of marks) {
      const bb = await m.boundingBox();
      if (!bb || bb.y < chartBox.y + 45 || bb.width > 20 || bb.width < 4) continue;
      await b.page.mouse.click(bb.x + bb.width / 2, bb.y + bb.height / 2);
      clicked = true;
      break;
    }
    expect(clicked).toBe(true);
    await settle(b.page);
    expect(new URL(b.page.url()).hash).toMatch(/^#\/handover\/ugv-field-1\/\d+$/);
  });

  it('a handover\'s detail: decision and criteria, conditions either side and the boundary window equal the API; records re-verify', async () => {
    const [first] = (await hub.api<HandoverLog>('/api/handovers?device=ugv-field-2&phase=ACCEPTED&to=HUMAN&limit=1')).rows;
    await go(`#/handover/ugv-field-2/${first.seq}`);
    const d = await hub.api<HandoverDetail>(`/api/handovers/ugv-field-2/${first.seq}`);
    const decision = d.decision as unknown as DecisionLog['rows'][number];
    expect(decision.verdict).toBe('NO_GO');
    expect(await rows(b.page, 'criteria-table')).toEqual(decision.criteria.map((c) => [c.name, fmt.value(c.value), expect.stringContaining(fmt.value(c.threshold)), c.pass ? 'pass' : 'fail']));
    const conditions = await rows(b.page, 'conditions-table');
    const precipitation = conditions.find((x) => x[0] === 'weather.precipitation')!;
    const body = (v: HandoverDetail['conditions_before']) => (v!.record.conditions as { weather: { precipitation: string } }).weather.precipitation;
    expect(precipitation.slice(1)).toEqual([body(d.conditions_before), body(d.conditions_after)]);
    const window = await hub.api<RecordPage>(`/api/records?device=ugv-field-2&from=${d.window.first_seq}&to=${d.window.last_seq}`);
    expect((await rows(b.page, 'records-table')).map((x) => num(x[0]))).toEqual(window.rows.map((x) => x.seq));
    expect(await b.page.locator('#records-table tr.highlight th').innerText()).toBe(String(first.seq));
    await shot(b.page, 'handover-detail');

    await b.page.getByRole('link', { name: 'Open in Records (and re-verify seals)' }).click();
    await settle(b.page);
    expect(await b.page.locator('#records-table .seal-unchecked').count()).toBe(window.rows.length);
    await b.page.click('#verify-seals');
    await settle(b.page);
    const verified = await hub.api<RecordPage>(`/api/records?device=ugv-field-2&from=${d.window.first_seq}&to=${d.window.last_seq}&limit=50&verify=1`);
    expect(verified.rows.every((x) => x.seal === 'verified')).toBe(true);
    expect((await rows(b.page, 'records-table')).map((x) => [x[0], x[2], x[4], x[5], x[6]])).toEqual(verified.rows.map((x) => [
      fmt.count(x.seq), x.kind, `${fmt.count(x.segment.first_seq)}–${fmt.count(x.segment.last_seq)}`, 'verified', `covered (through ${fmt.count(x.checkpoint.stored_through)})`,
    ]));
    const decoded = b.page.locator('#records-table tbody tr').first().locator('details');
    await decoded.locator('summary').click();
    expect(JSON.parse(await decoded.locator('pre').innerText())).toEqual(verified.rows[0].record[verified.rows[0].kind]);
    await shot(b.page, 'records');
  });

  it('a day\'s no-go count on the summary drills to those decisions, each one click from its record', async () => {
    await go('#/summary');
    await b.page.locator('#days-table tbody tr').first().locator('td').nth(1).locator('a').click();
    await settle(b.page);
    const q = new URLSearchParams(new URL(b.page.url()).hash.split('?')[1]);
    expect(q.get('verdict')).toBe('NO_GO');
    const log = await hub.api<DecisionLog>(`/api/decisions?verdict=NO_GO&since=${q.get('since')}&until=${q.get('until')}&limit=100`);
    const s = await hub.api<Summary>('/api/summary');
    expect(log.total).toBe(s.days[0].no_go);
    expect(await b.page.locator('#decision-count').innerText()).toContain(`${fmt.count(log.total)} decision(s) match`);
    expect((await rows(b.page, 'decisions-table')).map((x) => [x[1], x[2], x[3]])).toEqual(log.rows.map((x) => [x.deviceId, String(x.seq), 'no-go']));
    await b.page.locator('#decisions-table tbody tr').first().locator('a').first().click();
    await settle(b.page);
    expect(await b.page.locator('#records-table tr.highlight td').nth(1).innerText()).toBe('decision');
  });

  it('keyboard: a skip link first, the views in tab order, a visible focus ring, Enter follows a link and focus lands on the new heading', async () => {
    await go('#/summary');
    await b.page.reload();
    await settle(b.page);
    await b.page.keyboard.press('Tab');
    const ring = () => b.page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const st = getComputedStyle(el);
      return { text: el.innerText, outline: `${st.outlineStyle} ${st.outlineWidth}`, visible: el.getBoundingClientRect().left >= 0 };
    });
    expect(await ring()).toEqual({ text: 'Skip to content', outline: 'solid 3px', visible: true });
    await b.page.keyboard.press('Tab');
    expect((await ring()).text).toBe('Summary');
    await b.page.keyboard.press('Tab');
    expect(await ring()).toMatchObject({ text: 'Coverage', outline: 'solid 3px' });
    await shot(b.page, 'keyboard-focus', false);
    await b.page.keyboard.press('Enter');
    await settle(b.page);
    expect(new URL(b.page.url()).hash).toBe('#/coverage');
    expect(await b.page.evaluate(() => document.activeElement?.tagName + ' ' + (document.activeElement as HTMLElement).innerText)).toBe('H1 Coverage of the operating domain');
    await b.page.keyboard.press('Tab');
    expect(await b.page.evaluate(() => document.activeElement?.id)).toBe('f-a');
    // every form control has a label
    expect(await b.page.$$eval('input, select', (xs) => xs.filter((x) => !document.querySelector(`label[for="${x.id}"]`)).length)).toBe(0);
  });

  it('on a tablet (768 × 1024) no view scrolls sideways; everything came from the hub itself, with no console error', async () => {
    await b.page.setViewportSize({ width: 768, height: 1024 });
    for (const [route, name] of [['#/summary', 'summary-tablet'], ['#/coverage', 'coverage-tablet'], ['#/handovers', 'handovers-tablet'], ['#/drift', 'drift-tablet']]) {
      await go(route);
      expect(await b.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), route).toBeLessThanOrEqual(0);
      await shot(b.page, name);
    }
    await b.page.setViewportSize({ width: 1366, height: 900 });
    const origin = new URL(hub.url).origin;
    expect(requested.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    expect(requested.some((u) => u.endsWith('/assets/app.js'))).toBe(true);
    expect(b.problems).toEqual([]);
  });
});
