// Two packets of the same devices: the later one extends the earlier (`verify LATER --extends EARLIER`) when its
// chain holds the same record at each seq the earlier packet's hub checkpoint names; a rewritten chain does not.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dir.js';
import { codes, exportTo, more, verifyFile, world, type World } from './evidence-world.js';

const tempDir = useTempDirs('fieldproof-extends-');
let dir: string;
let w: World;
let earlier: string;
let later: string;

beforeAll(async () => {
  dir = tempDir();
  w = await world(dir, 80);
  earlier = join(dir, 'earlier.tar');
  await exportTo(w, earlier, {}, () => Date.UTC(2026, 5, 1));
  await more(w, 'field-1', 40, { boot: 1 });
  await more(w, 'sim-1', 25);
  later = join(dir, 'later.tar');
  await exportTo(w, later, {}, () => Date.UTC(2026, 6, 1));
});
afterAll(async () => {
  await w.store.close();
});

describe('--extends', () => {
  it('the later packet extends the earlier one at every device', async () => {
    const v = await verifyFile(later, { earlier });
    expect(codes(v)).toEqual([]);
    expect(v.extends?.ok).toBe(true);
    expect(v.extends?.devices.map((d) => [d.device, d.earlier_seq, d.status])).toEqual([['field-1', 80, 'extends'], ['sim-1', 80, 'extends']]);
    expect(v.devices.map((d) => d.last_seq)).toEqual([120, 105]);
  });

  it('a rewritten chain (another history under the same device ids) does not', async () => {
    const other = await world(join(dir, 'other'), 100, [['field-1', 3, [1, 2]], ['sim-1', 4, [2, 3]]]);
    const rewritten = join(dir, 'rewritten.tar');
    try {
      await exportTo(other, rewritten, {}, () => Date.UTC(2026, 6, 1));
    } finally {
      await other.store.close();
    }
    expect(codes(await verifyFile(rewritten))).toEqual([]);
    const v = await verifyFile(rewritten, { earlier });
    expect(codes(v)).toEqual(['EXTENDS']);
    expect(v.extends?.devices.map((d) => d.status)).toEqual(['differs', 'differs']);
    expect(v.extends?.devices[0].message).toMatch(/at seq 80 the earlier packet's chain has hash .*, this one .*: the chain was rewritten/);
  });

  it('the packets the wrong way round, or a later one that starts after the earlier checkpoint, are refused', async () => {
    const swapped = await verifyFile(earlier, { earlier: later });
    expect(swapped.extends?.ok).toBe(false);
    expect(swapped.problems.some((p) => p.code === 'EXTENDS' && /created after this one/.test(p.message))).toBe(true);

    const windowed = join(dir, 'windowed.tar');
    const since = w.histories.get('field-1')!.records[100].timeMs;
    await exportTo(w, windowed, { devices: ['field-1'], sinceMs: since }, () => Date.UTC(2026, 6, 2));
    const v = await verifyFile(windowed, { earlier });
    expect(codes(v)).toEqual(['EXTENDS']);
    const status = Object.fromEntries(v.extends!.devices.map((d) => [d.device, d.status]));
    expect(status).toEqual({ 'field-1': 'not comparable', 'sim-1': 'missing' });
  });
});
