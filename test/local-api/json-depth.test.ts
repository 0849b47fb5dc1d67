// nestsDeeperThan: the nesting check a JSON line passes before JSON.parse (pure), at the limit and around
// strings holding brackets, escaped quotes and backslashes.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../agent/sources/local-api/json-depth.js';

const text = (s: string) => Buffer.from(s, 'utf8');
const nested = (depth: number) => text(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('nestsDeeperThan', () => {
  it('allows exactly the limit and refuses one more, for arrays and objects alike', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(nestsDeeperThan(nested(64))).toBe(false);
    expect(nestsDeeperThan(nested(65))).toBe(true);
    expect(nestsDeeperThan(text(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`))).toBe(true);
    expect(nestsDeeperThan(text(`${'{"a":'.repeat(64)}1${'}'.repeat(64)}`))).toBe(false);
    expect(nestsDeeperThan(nested(500_000))).toBe(true);
  });

  it('counts depth, not brackets: 1,000 siblings are fine', () => {
    expect(nestsDeeperThan(text(`[${Array.from({ length: 1000 }, () => '{"a":[1]}').join(',')}]`))).toBe(false);
  });

  it('skips brackets inside strings, escaped quotes and backslashes included', () => {
    expect(nestsDeeperThan(text(JSON.stringify({ text: '['.repeat(1000) })))).toBe(false);
    expect(nestsDeeperThan(text(JSON.stringify({ text: `a\\"${'{'.repeat(100)}` })))).toBe(false);
    expect(nestsDeeperThan(text(JSON.stringify({ text: 'ends with a backslash \\' }) + '['.repeat(70)))).toBe(true);
    expect(nestsDeeperThan(text(`{"text":"\u00e9\u{1F600}${'['.repeat(70)}"}`))).toBe(false);
  });

  it('takes a plain Uint8Array as well as a Buffer, and a view into a larger buffer', () => {
    const bytes = new Uint8Array(nested(65));
    expect(nestsDeeperThan(bytes)).toBe(true);
    const big = new Uint8Array([0x5b, 0x5b, ...nested(63), 0x5d, 0x5d]);
    expect(nestsDeeperThan(big.subarray(2, big.length - 2))).toBe(false);
    expect(nestsDeeperThan(big)).toBe(true);
    expect(nestsDeeperThan(nested(3), 2)).toBe(true);
  });
});
