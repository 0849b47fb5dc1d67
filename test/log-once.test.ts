// The rate-limited log: the first line of a kind is written at once, the rest of its interval are counted and
// reported in one line at the interval's end; kinds are independent; a failure that goes on is one line per interval.
import { describe, expect, it } from 'vitest';
import { RateLimitedLog } from '../agent/log-once.js';

function harness(intervalMs = 1000) {
  let now = 0;
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const log = new RateLimitedLog({
    intervalMs,
    now: () => now,
    schedule: (fn, ms) => {
      const t = { at: now + ms, fn, cancelled: false };
      timers.push(t);
      return { cancel: () => { t.cancelled = true; } };
    },
  });
  const write = (fields: Record<string, unknown>, message: string) => lines.push({ fields, message });
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.splice(0).sort((a, b) => a.at - b.at)) {
      if (t.cancelled) continue;
      if (t.at <= now) t.fn();
      else timers.push(t);
    }
  };
  return { log, write, lines, advance };
}

describe('RateLimitedLog', () => {
  it('writes the first line, counts the rest of the interval, and reports them in one line at its end', () => {
    const { log, write, lines, advance } = harness();
    expect(log.log('disk', write, { err: 'full 1' }, 'outbox')).toBe(true);
    for (let i = 2; i <= 1000; i++) expect(log.log('disk', write, { err: `full ${i}` }, 'outbox')).toBe(false);
    expect(lines).toHaveLength(1);
    advance(1000);
    expect(lines).toHaveLength(2);
    expect(lines[1].fields).toEqual({ err: 'full 1000', repeated: 999, intervalMs: 1000 });
    expect(lines[1].message).toBe('outbox (999 more like it in the last 1 s)');
  });

  it('keeps a failure that goes on to one line per interval', () => {
    const { log, write, lines, advance } = harness();
    for (let ms = 0; ms < 60_000; ms += 10) {
      log.log('disk', write, {}, 'outbox');
      advance(10);
    }
    // 6000 calls in 60 intervals: one line at the start, then one summary per interval.
    expect(lines.length).toBeGreaterThanOrEqual(60);
    expect(lines.length).toBeLessThanOrEqual(61);
    expect(lines.slice(1).reduce((n, l) => n + (l.fields.repeated as number), 0) + 1).toBe(6000);
  });

  it('limits each kind on its own, and writes nothing more when a kind stops', () => {
    const { log, write, lines, advance } = harness();
    log.log('a', write, {}, 'a');
    log.log('b', write, {}, 'b');
    log.log('a', write, {}, 'a');
    expect(lines.map((l) => l.message)).toEqual(['a', 'b']);
    advance(1000);
    expect(lines.map((l) => l.message)).toEqual(['a', 'b', 'a (1 more like it in the last 1 s)']);
    advance(5000);
    expect(lines).toHaveLength(3);
    expect(log.log('a', write, {}, 'a')).toBe(true);
  });

  it('flush() reports what is held back at once (on stop)', () => {
    const { log, write, lines } = harness(60_000);
    log.log('x', write, {}, 'x');
    log.log('x', write, { n: 2 }, 'x');
    log.flush();
    expect(lines).toEqual([{ fields: {}, message: 'x' }, { fields: { n: 2, repeated: 1, intervalMs: 60_000 }, message: 'x (1 more like it in the last 60 s)' }]);
  });
});
