// A go/no-go criterion cannot pass on a number the local API refuses: Infinity, a float32 overflow or a value
// out of its range never reaches the live state, so min_lux fails (no evidence) rather than passing on "lux: inf".
import { describe, expect, it } from 'vitest';
import { evaluateCriteria, LiveState, Verdict } from '../../agent/index.js';
import { bodyOf } from '../../agent/sources/local-api/handlers/body.js';
import { bodyFromProtobuf } from '../../agent/sources/local-api/protobuf-body.js';
import type { CriterionSpec } from '../../config/index.js';
import { schema, type Body } from '../../proto/index.js';

const MIN_LUX: CriterionSpec[] = [{ name: 'min_lux', input: 'lux', comparator: '>=', threshold: 50 }];
const MIN_CONFIDENCE: CriterionSpec[] = [{ name: 'min_confidence', input: 'perception_confidence', comparator: '>=', threshold: 0.7 }];

/** What the local API does with a conditions request: check it, and only then let the live state see it. */
function feed(live: LiveState, body: unknown, atMs: number): 'recorded' | string {
  let conditions;
  try {
    conditions = body instanceof Uint8Array ? bodyOf('conditions', bodyFromProtobuf('conditions', body)) : bodyOf('conditions', body);
  } catch (err) {
    return (err as Error).message;
  }
  live.update({ conditions } as Body, atMs);
  return 'recorded';
}

const verdict = (live: LiveState, specs: CriterionSpec[]) => evaluateCriteria(specs, (input) => live.get(input, 1_000, 5_000));

describe('a criterion cannot pass on a refused value', () => {
  it.each([
    ['lux 1e39 (JSON: beyond float32, stored as Infinity)', { lighting: { lux: 1e39 } }],
    ['lux Infinity (JSON 1e400)', { lighting: { lux: Infinity } }],
    ['lux "Infinity" (a JSON string)', { lighting: { lux: 'Infinity' } }],
    ['lux +Inf (protobuf)', schema.Conditions.encode({ lighting: { lux: Infinity } }).finish()],
    ['lux 1e39 (protobuf float: +Inf on the wire)', schema.Conditions.encode({ lighting: { lux: 1e39 } }).finish()],
  ] as [string, unknown][])('%s: refused naming lighting.lux, and min_lux fails', (_what, body) => {
    const live = new LiveState();
    expect(feed(live, body, 1_000)).toMatch(/^conditions: lighting\.lux: expected a finite number >= 0/);
    const e = verdict(live, MIN_LUX);
    expect(e.verdict).toBe(Verdict.NO_GO);
    expect(e.failing).toEqual(['min_lux']);
  });

  it('a refused value does not replace the last good one: dark stays dark', () => {
    const live = new LiveState();
    expect(feed(live, { lighting: { lux: 3 } }, 900)).toBe('recorded');
    expect(feed(live, { lighting: { lux: 1e39 } }, 1_000)).toMatch(/lighting\.lux/);
    expect(verdict(live, MIN_LUX).criteria[0]).toMatchObject({ value: 3, pass: false });
  });

  it('a confidence above 1 cannot satisfy min_confidence; 0.9 does', () => {
    const live = new LiveState();
    expect(feed(live, { perception_confidence: 1.5 }, 1_000)).toMatch(/^conditions: perception_confidence: expected a finite number from 0 to 1, got 1\.5$/);
    expect(verdict(live, MIN_CONFIDENCE).verdict).toBe(Verdict.NO_GO);
    expect(feed(live, { perception_confidence: 0.9 }, 1_000)).toBe('recorded');
    expect(verdict(live, MIN_CONFIDENCE).verdict).toBe(Verdict.GO);
  });

  it('control: an ordinary bright reading is recorded and min_lux passes on it', () => {
    const live = new LiveState();
    expect(feed(live, { lighting: { lux: 800 } }, 1_000)).toBe('recorded');
    expect(verdict(live, MIN_LUX).verdict).toBe(Verdict.GO);
  });
});
