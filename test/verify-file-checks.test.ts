// `verifyOutbox` beneath the chain: a state row whose head disagrees with the records stored (a lost commit, a
// stale row) fails verification as an anomaly, with or without the file path; a sound outbox has none.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openOutboxDatabase } from '../agent/outbox/database.js';
import { verifyOutbox } from '../agent/outbox/index.js';
import { bulkBody } from './helpers/bodies.js';
import { openTestOutbox } from './helpers/outbox.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();

async function outboxWith(records: number): Promise<string> {
  const dir = tempDir();
  const outbox = await openTestOutbox(dir, { sealMaxRecords: 5 });
  await Promise.all(Array.from({ length: records }, (_, i) => outbox.append(bulkBody(i))));
  outbox.sealIfDue(true);
  outbox.close();
  return join(dir, 'outbox.db');
}

function verifyFile(file: string) {
  const db = openOutboxDatabase(file, { readonly: true });
  try {
    return verifyOutbox(db, undefined, { path: file });
  } finally {
    db.close();
  }
}

describe('file checks in verifyOutbox', () => {
  it('a sound outbox: no anomalies', async () => {
    expect(verifyFile(await outboxWith(12))).toMatchObject({ ok: true, anomalies: [] });
  });

  it('a state row ahead of the records stored: committed records are gone', async () => {
    const file = await outboxWith(12);
    const db = new Database(file);
    db.prepare('UPDATE state SET head_seq = 15, sealed_through = 15').run();
    db.close();
    const report = verifyFile(file);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([]);
    expect(report.anomalies[0]).toMatchObject({
      code: 'STATE', lossAfterHead: true,
      message: 'the state row says the head is seq 15 but the last record stored is seq 12: seq 13..15 were committed and are gone',
    });
  });

  it('records stored past the head the state row names: the row is stale', async () => {
    const file = await outboxWith(12);
    const db = new Database(file);
    db.prepare('UPDATE state SET head_seq = 10, sealed_through = 10').run();
    db.close();
    expect(verifyFile(file).anomalies.map((a) => a.message)).toContain('records are stored up to seq 12 but the state row says the head is seq 10: the state row is stale');
  });
});
