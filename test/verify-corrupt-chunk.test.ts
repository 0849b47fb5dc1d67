// A chunk whose bytes no longer decode is reported at its own seq range, not masked by the read
// transaction failing to end (an open row iterator once turned it into "connection is busy").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Outbox, verifyOutbox } from '../agent/index.js';
import { generateDeviceKey } from '../proto/node.js';

it('names the seq of an undecodable chunk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-corrupt-'));
  try {
    const outbox = Outbox.open({ path: join(dir, 'o.db'), deviceId: 'd1', key: await generateDeviceKey(), sealMaxRecords: 5 });
    for (let i = 0; i < 12; i++) await outbox.append({ marker: { kind: `k${i}` } });
    outbox.sealIfDue(true);
    outbox.database.prepare('UPDATE chunks SET data = ? WHERE first_seq = 6').run(Buffer.from([0x0a, 0xff, 0xff, 0x01]));
    const report = verifyOutbox(outbox.database);
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(6);
    expect(report.problems.map((p) => p.code)).toContain('DECODE');
    // The connection is still usable: the read transaction ended.
    expect(outbox.headSeq()).toBe(12);
    outbox.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
