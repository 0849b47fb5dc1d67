// The same scenario and seed give the same run, byte for byte: identical outbox records (same key and
// outbox path, as both are in the Boot record), and identical bodies and times wherever the outbox lives.
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openOutboxDatabase } from '../../agent/index.js';
import type { Scenario } from '../../config/scenario-config.js';
import { recordToJson, type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { driveScenario } from '../../simulator/run/drive.js';
import { startDirectRun } from '../../simulator/run/direct-target.js';
import { heldRecords } from '../helpers/outbox.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { shortScenario } from './fixtures/short-scenario.js';

const tempDir = useTempDirs('fp-sim-det-');

async function runOffline(scenario: Scenario, outboxPath: string, key: DeviceKey) {
  const run = await startDirectRun({ scenario, deviceId: 'sim-det', outboxPath, key });
  const stats = await driveScenario(scenario, run.target);
  await run.finish(0);
  const db = openOutboxDatabase(outboxPath);
  try {
    return { stats, records: heldRecords(db) };
  } finally {
    db.close();
  }
}

describe('determinism', () => {
  it('gives identical outbox record bytes for the same seed, and different ones for another seed', async () => {
    const key = await generateDeviceKey();
    const dir = tempDir();
    const path = join(dir, 'outbox.db');
    const first = await runOffline(shortScenario(), path, key);
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        renameSync(`${path}${suffix}`, `${path}.first${suffix}`);
      } catch {
        // no such file: nothing to move
      }
    }
    const second = await runOffline(shortScenario(), path, key);
    expect(first.records.length).toBeGreaterThan(400);
    expect(second.records.map((r) => Buffer.from(r.bytes).toString('hex'))).toEqual(first.records.map((r) => Buffer.from(r.bytes).toString('hex')));
    expect(second.stats).toEqual(first.stats);
    // the run went through a takeover and a hand-back, so decisions and handovers are in the bytes too
    expect(first.stats.takeovers).toBeGreaterThan(0);
    expect(first.stats.handbacks).toBeGreaterThan(0);

    const other = await runOffline(shortScenario({ seed: 100 }), join(tempDir(), 'outbox.db'), key);
    const conditions = (rs: typeof first.records) => rs.filter((r) => r.record.conditions).map((r) => JSON.stringify(recordToJson(r.record).conditions));
    expect(conditions(other.records)).not.toEqual(conditions(first.records));
  });

  it('gives identical bodies and times in another folder; only the Boot config hash (which covers the outbox path) differs', async () => {
    const key = await generateDeviceKey();
    const a = await runOffline(shortScenario({ duration_s: 15 }), join(tempDir(), 'outbox.db'), key);
    const b = await runOffline(shortScenario({ duration_s: 15 }), join(tempDir(), 'elsewhere', 'outbox.db'), key);
    const view = (rs: typeof a.records) => rs.map((r) => {
      const json = recordToJson(r.record);
      delete json.prevHash;
      if (json.boot) delete (json.boot as Record<string, unknown>).configHash;
      return JSON.stringify(json);
    });
    expect(view(b.records)).toEqual(view(a.records));
    const times = a.records.map((r) => recordToJson(r.record).timeUnixNs);
    expect(times[0]).toBe(String(Date.parse('2026-06-21T12:00:00Z') * 1_000_000));
  });
});
