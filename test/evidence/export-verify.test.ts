// A packet exported from a real hub store verifies offline: every device proven from seq 1 to its checkpoint,
// the evicted range explained by its Gap record, and every report recomputed equal to what the packet carries.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdictText } from '../../proto/packet/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { codes, exportTo, verifyFile, world } from './evidence-world.js';

const tempDir = useTempDirs('fieldproof-evidence-');

describe('evidence packet', () => {
  it('verifies: seals, links, gaps, checkpoints and every report', async () => {
    const dir = tempDir();
    const w = await world(dir);
    try {
      const out = join(dir, 'packet.tar');
      const summary = await exportTo(w, out);
      const v = await verifyFile(out);
      if (!v.ok) console.log(verdictText(v));
      expect(codes(v)).toEqual([]);
      expect(v.ok).toBe(true);
      expect(v.hub.signature).toBe('verified');
      expect(v.devices.map((d) => d.device)).toEqual(['field-1', 'sim-1']);
      expect(summary.devices.map((d) => d.checkpoint_seq)).toEqual(v.devices.map((d) => d.checkpoint?.seq));
      console.log(verdictText(v));
    } finally {
      await w.store.close();
    }
  });
});
