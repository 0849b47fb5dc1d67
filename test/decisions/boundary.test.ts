// Boundary windows: thinning of high-rate conditions, and promotion of the window before and after
// a handover or no-go to critical, through a real outbox file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BoundaryWindow, CapturePipeline, manualClock, Outbox, verifyOutbox } from '../../agent/index.js';
import { boundarySchema, criteriaSchema } from '../../config/index.js';
import { decodeRecord, recordsOfFragment, type Body } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';

const cond = (lux: number): Body => ({ conditions: { lighting: { lux }, perceptionConfidence: 0.9 } });

describe('BoundaryWindow (pure)', () => {
  it('thins to one record per interval, and keeps everything inside a boundary window', () => {
    const w = new BoundaryWindow(1000, 500);
    const s = (atMs: number) => ({ body: cond(atMs), atMs, timeUnixNs: BigInt(atMs), monoNs: 0n });
    const decisions = [0, 100, 200, 600, 700].map((t) => w.offer(s(t)));
    expect(decisions).toEqual(['bulk', 'skip', 'skip', 'bulk', 'skip']);
    const plan = w.boundary(750);
    expect(plan.toAppend.map((x) => x.atMs)).toEqual([100, 200, 700]);
    expect([800, 1700, 1751].map((t) => w.offer(s(t)))).toEqual(['critical', 'critical', 'skip']);
    // Claimed samples are never handed out twice.
    expect(w.boundary(760).toAppend).toEqual([]);
  });

  it('holds at most maxSamples, whatever the input rate', () => {
    const w = new BoundaryWindow(10_000, 0, 100);
    for (let t = 0; t < 1000; t++) w.offer({ body: cond(t), atMs: t, timeUnixNs: 0n, monoNs: 0n });
    expect(w.size).toBe(100);
  });

  it('drops samples older than the window', () => {
    const w = new BoundaryWindow(1000, 0);
    for (let t = 0; t <= 5000; t += 100) w.offer({ body: cond(t), atMs: t, timeUnixNs: 0n, monoNs: 0n });
    expect(w.size).toBeLessThanOrEqual(11);
  });
});

describe('CapturePipeline with a real outbox', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(criteria?: unknown) {
    dir = mkdtempSync(join(tmpdir(), 'fp-boundary-'));
    const clock = manualClock();
    const outbox = Outbox.open({ path: join(dir, 'o.db'), deviceId: 'd1', key: await generateDeviceKey(), clock, sealMaxRecords: 10_000, sealMaxAgeMs: 3_600_000 });
    const pipeline = new CapturePipeline(outbox, clock, criteria ? criteriaSchema.parse(criteria) : undefined, boundarySchema.parse({ window_s: 2, record_interval_ms: 1000 }));
    return { clock, outbox, pipeline };
  }

  function segments(outbox: Outbox) {
    return outbox.database.prepare('SELECT first_seq, last_seq, priority FROM segments ORDER BY first_seq').all() as { first_seq: number; last_seq: number; priority: number }[];
  }

  it('records the thinned window before a handover as critical, and the window after it', async () => {
    const { clock, outbox, pipeline } = await setup();
    const recorded: (number | undefined)[] = [];
    for (let i = 0; i < 30; i++) {
      recorded.push((await pipeline.capture(cond(i), {}))?.seq);
      clock.advance(100);
    }
    // 10 Hz input thinned to 1 Hz: 3 recorded out of 30.
    expect(recorded.filter((s) => s !== undefined)).toHaveLength(3);
    outbox.sealIfDue(true);
    const handover = await pipeline.capture({ handover: { fromMode: 'AUTO.MISSION', toMode: 'POSCTL', phase: 2, initiator: 2 } });
    // The last 2 s before the handover: the 20 samples were recorded (thinned ones appended now) and raised to critical.
    const rows = outbox.database.prepare('SELECT data FROM chunks ORDER BY first_seq').pluck().all() as Uint8Array[];
    const records = rows.flatMap((r) => recordsOfFragment(r)).map((b) => decodeRecord(b));
    const luxes = records.filter((r) => r.conditions).map((r) => r.conditions!.lighting!.lux);
    for (let i = 10; i < 30; i++) expect(luxes).toContain(i);
    // After it, every sample is recorded, critical, for window_s.
    const after: number[] = [];
    for (let i = 0; i < 25; i++) {
      clock.advance(100);
      const a = await pipeline.capture(cond(1000 + i));
      if (a) after.push(a.seq);
    }
    expect(after.length).toBeGreaterThanOrEqual(20);
    outbox.sealIfDue(true);
    const segs = segments(outbox);
    const critical = (seq: number) => segs.some((s) => s.first_seq <= seq && seq <= s.last_seq && s.priority === 2);
    expect(critical(handover!.seq)).toBe(true);
    for (const seq of after.slice(0, 20)) expect(critical(seq)).toBe(true);
    // Raised to critical is not sealed at once: the window after the handover fills ordinary segments,
    // not one signed segment per record (which once cut capture to a few hundred records/s).
    const windowSegs = segs.filter((x) => x.last_seq >= after[0] && x.first_seq <= after[after.length - 1]);
    expect(windowSegs.length).toBeLessThanOrEqual(2);
    // The earlier recorded bulk sample within the window was promoted.
    const inWindow = recorded.filter((s): s is number => s !== undefined).filter((s) => s > 1);
    expect(inWindow.some((s) => critical(s))).toBe(true);
    expect(verifyOutbox(outbox.database).ok).toBe(true);
    outbox.close();
  });

  it('a go -> no-go transition records the decision, a takeover request, and opens a boundary', async () => {
    const { clock, outbox, pipeline } = await setup({ risk_level: 'medium', levels: { medium: { min_confidence: 0.7, min_lux: 50 } } });
    await pipeline.capture({ conditions: { lighting: { lux: 500 }, perceptionConfidence: 0.9 } });
    const go = await pipeline.evaluate();
    expect(go).toMatchObject({ verdict: 'go', failing: [] });
    expect(go!.handoverSeq).toBeUndefined();
    clock.advance(100);
    await pipeline.capture({ conditions: { lighting: { lux: 10 }, perceptionConfidence: 0.4 } });
    const noGo = await pipeline.evaluate();
    expect(noGo).toMatchObject({ verdict: 'no-go', failing: ['min_confidence', 'min_lux'] });
    expect(noGo!.handoverSeq).toBe(noGo!.seq + 1);
    // A persisting no-go does not raise another takeover request.
    const again = await pipeline.evaluate();
    expect(again!.handoverSeq).toBeUndefined();
    outbox.sealIfDue(true);
    const all = outbox.database.prepare('SELECT data FROM chunks ORDER BY first_seq').pluck().all() as Uint8Array[];
    const records = all.flatMap((r) => recordsOfFragment(r)).map((b) => decodeRecord(b));
    const decision = records.find((r) => Number(r.seq) === noGo!.seq)!.decision!;
    expect(decision.verdict).toBe(2);
    expect(decision.criteria!.map((c) => [c.name, c.value, c.threshold, c.pass])).toEqual([
      ['min_confidence', expect.closeTo(0.4, 5), 0.7, false],
      ['min_lux', 10, 50, false],
    ]);
    expect(decision.criteriaHash).toEqual(pipeline.criteriaHash);
    const handover = records.find((r) => Number(r.seq) === noGo!.handoverSeq)!.handover!;
    expect(handover).toMatchObject({ fromAuthority: 1, toAuthority: 2, initiator: 1, phase: 1 });
    expect(Number(handover.decisionSeq)).toBe(noGo!.seq);
    const segs = segments(outbox);
    expect(segs.find((s) => s.first_seq <= noGo!.handoverSeq! && noGo!.handoverSeq! <= s.last_seq)!.priority).toBe(2);
    outbox.close();
  });
});
