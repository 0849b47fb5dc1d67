// The reviewer page's pure helpers, in Node: how figures read (counts, shares, times, durations, enum names),
// the viridis ramp and its text colour, hash routes, and the UTC conversion of the time filters.
import { describe, expect, it } from 'vitest';
import { fromInput, toInput } from '../../hub/web/src/filters.js';
import { combination, count, decimal, duration, ofValid, percent, time, value, words } from '../../hub/web/src/format.js';
import { onViridis, viridis, VIRIDIS } from '../../hub/web/src/palette.js';
import { href, params, parseHash } from '../../hub/web/src/routes.js';

describe('format', () => {
  it('writes counts, shares and covered-of-valid as the CLI does', () => {
    expect([count(23230), count(0), count(null)]).toEqual(['23,230', '0', '–']);
    expect([percent(0.4731182795698925), percent(1), percent(null), percent(Number.NaN)]).toEqual(['47.3%', '100.0%', '–', '–']);
    expect(ofValid(88, 186)).toBe('88/186 (47.3%)');
    expect(ofValid(0, 0)).toBe('0/0 (100.0%)');
    expect([decimal(1.8776174), decimal(null)]).toEqual(['1.878', '–']);
    expect([value(0.9647536580823362), value(3973.35), value(54325.19), value(4), value(null)]).toEqual(['0.9648', '3,973', '54,325', '4', '–']);
  });

  it('writes times in UTC to the second, durations short, enum names in words', () => {
    expect(time(Date.UTC(2026, 11, 4, 18, 15, 2, 345))).toBe('2026-12-04 18:15:02Z');
    expect([duration(420), duration(5000), duration(65_000), duration(3_725_000), duration(null)]).toEqual(['420 ms', '5s', '1m05s', '1h02m', '–']);
    expect([words('NO_GO'), words('SAFETY_MONITOR'), words('no_data'), words('REQUESTED'), words('')]).toEqual(['no-go', 'safety monitor', 'no data', 'requested', '–']);
    expect(combination({ weather: 'rain', lighting: 'night' })).toBe('weather=rain lighting=night');
  });
});

describe('palette', () => {
  it('viridis runs from its first stop to its last, interpolating between, clamped outside 0..1', () => {
    expect(viridis(0)).toBe(VIRIDIS[0].toLowerCase());
    expect(viridis(1)).toBe(VIRIDIS[9].toLowerCase());
    expect(viridis(-3)).toBe(viridis(0));
    expect(viridis(1 / 9)).toBe(VIRIDIS[1].toLowerCase());
    expect(viridis(0.5 / 9)).toBe('#461566'); // halfway from #440154 to #482878
    expect([onViridis(0.1), onViridis(0.9)]).toEqual(['#ffffff', '#000000']);
  });
});

describe('routes and filters', () => {
  it('makes and reads hash routes, leaving out empty values', () => {
    expect(href('coverage', { a: 'weather', b: '', device: undefined, limit: 50 })).toBe('#/coverage?a=weather&limit=50');
    const r = parseHash('#/handover/ugv%2F1/42?go=pair');
    expect([r.view, r.parts, r.query.get('go')]).toEqual(['handover', ['ugv/1', '42'], 'pair']);
    expect(parseHash('').view).toBe('summary');
    expect(params(new URLSearchParams('a=1&b=&c=3'), ['a', 'b', 'c', 'd'])).toEqual({ a: '1', c: '3' });
  });

  it('reads time filters as UTC both ways: ISO or Unix ms in the link, minutes in the input', () => {
    expect(toInput('2026-06-01T08:00:00.000Z')).toBe('2026-06-01T08:00');
    expect(toInput(String(Date.UTC(2026, 5, 1, 8, 30)))).toBe('2026-06-01T08:30');
    expect([toInput(''), toInput('not a time')]).toEqual(['', '']);
    expect(fromInput('2026-06-01T08:00')).toBe('2026-06-01T08:00:00Z');
    expect(fromInput('')).toBe('');
  });
});
