// A packet exported from a real hub store verifies offline: every device proven from seq 1 to its checkpoint,
// the evicted range explained by its Gap record, and every report recomputed equal to what the packet carries,
// which is also what the hub's own analyst made of the same records. Windows, matrix runs, a truncated store.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Analyst } from '../../hub/analytics/analyst.js';
import { coverageReport } from '../../hub/analytics/coverage-report.js';
import { ScopeError } from '../../hub/export/index.js';
import { decisionLog, handoverLog } from '../../hub/reports/index.js';
import { CELLS_FILE, DEVICES_FILE, type CellsReport } from '../../proto/packet/index.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { codes, exportTo, more, taxonomy, verifyFile, world } from './evidence-world.js';
import { file, manifestOf, readPacket } from './packet-surgery.js';

const tempDir = useTempDirs('fieldproof-evidence-');
const json = <T>(bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T;
const rows = <T>(bytes: Uint8Array) => new TextDecoder().decode(bytes).trim().split('\n').map((l) => JSON.parse(l) as T);

describe('evidence packet', () => {
  it('verifies: seals, links, explained gaps, checkpoints and every report; what is proven and missing, per device', async () => {
    const dir = tempDir();
    const w = await world(dir);
    try {
      const out = join(dir, 'packet.tar');
      const summary = await exportTo(w, out);
      const v = await verifyFile(out);
      expect(codes(v)).toEqual([]);
      expect(v.ok).toBe(true);
      expect(v.hub).toMatchObject({ signature: 'verified', pinned: false });
      expect(v.devices.map((d) => [d.device, d.first_seq, d.last_seq, d.checkpoint?.seq, d.checkpoint?.status])).toEqual([
        ['field-1', 1, 120, 120, 'verified'], ['sim-1', 1, 120, 120, 'verified'],
      ]);
      expect(summary.devices.map((d) => d.checkpoint_seq)).toEqual([120, 120]);
      const d = v.devices[0];
      expect(d.proven.join('\n')).toMatch(/seq 1\.\.120: 114 records in \d+ segments; every seal verifies/);
      expect(d.proven.join('\n')).toMatch(/the hub \(key [0-9a-f]{16}\) signed at .* that it holds seq 1\.\.120/);
      expect(d.missing).toEqual([expect.stringMatching(/^seq 73\.\.78: not in the packet, explained by signed claims: QUOTA_EVICTION \(record seq 81\)$/)]);
      expect(v.reports).toMatchObject({ ok: true, decisions: summary.decisions, handovers: summary.handovers });
    } finally {
      await w.store.close();
    }
  });

  it('carries the figures the hub analyst computes: cells per source, decision and handover logs', async () => {
    const dir = tempDir();
    const w = await world(dir, 160);
    try {
      const out = join(dir, 'packet.tar');
      await exportTo(w, out);
      await new Analyst({ store: w.store, taxonomy }).catchUp();
      const p = await readPacket(out);
      const cells = json<CellsReport>(file(p, CELLS_FILE).bytes);
      const hub = await coverageReport(w.store, taxonomy);
      expect(Object.fromEntries(hub.cells.map((c) => [c.key, c.by_source]))).toEqual(cells.cells);
      expect(hub.totals).toEqual(cells.totals);
      const decisions = rows<{ device: string; seq: number; verdict: string; cell: string | null; source: string; criteria_version: string }>(file(p, /^reports\/decisions-/).bytes);
      const hubDecisions = (await decisionLog(w.store, taxonomy)).rows;
      expect(decisions.map((x) => [x.device, x.seq, x.verdict, x.cell, x.source, x.criteria_version]))
        .toEqual(hubDecisions.map((x) => [x.deviceId, x.seq, x.verdict, x.cell, x.source, x.criteriaVersion]));
      const handovers = rows<{ device: string; seq: number; phase: string; latency_ms: number | null; cell: string | null }>(file(p, /^reports\/handovers-/).bytes);
      const hubHandovers = (await handoverLog(w.store, taxonomy)).rows;
      expect(handovers.map((x) => [x.device, x.seq, x.phase, x.latency_ms, x.cell]))
        .toEqual(hubHandovers.map((x) => [x.deviceId, x.seq, x.phase, x.latencyMs, x.cell]));
      expect(json<{ devices: { device: string; records: number }[] }>(file(p, DEVICES_FILE).bytes).devices.map((x) => x.records)).toEqual([154, 154]);
    } finally {
      await w.store.close();
    }
  });

  it('a time window: from the last Boot before it, the checkpoint at its last seq', async () => {
    const dir = tempDir();
    const w = await world(dir);
    try {
      const h = w.histories.get('field-1')!;
      const since = h.records[90].timeMs;
      const until = h.records[100].timeMs;
      const out = join(dir, 'window.tar');
      const s = await exportTo(w, out, { devices: ['field-1'], sinceMs: since, untilMs: until });
      const v = await verifyFile(out);
      expect(codes(v)).toEqual([]);
      const boot = h.records.filter((r) => 'boot' in r.body && r.seq <= 91).at(-1)!.seq;
      expect(boot).toBeGreaterThan(1);
      const d = v.devices[0];
      expect(d.device).toBe('field-1');
      expect(d.first_seq).toBeLessThanOrEqual(boot);
      expect(d.last_seq).toBeGreaterThanOrEqual(100);
      expect(d.checkpoint?.seq).toBe(d.last_seq);
      expect(s.devices[0].checkpoint_seq).toBe(d.last_seq);
      expect(d.missing[0]).toBe(`seq 1..${d.first_seq - 1}: before this packet's scope (it answers for seq ${d.first_seq} on)`);
      expect(manifestOf(await readPacket(out)).scope).toEqual({ devices: ['field-1'], matrix: null, since_unix_ms: since, until_unix_ms: until });
    } finally {
      await w.store.close();
    }
  });

  it('a matrix run: only the devices whose latest Boot named it; an unknown device is refused', async () => {
    const dir = tempDir();
    const w = await world(dir, 60);
    try {
      await more(w, 'sim-1', 10, { boot: 2, matrix: 'ugv-conditions' });
      await new Analyst({ store: w.store, taxonomy }).catchUp();
      const out = join(dir, 'matrix.tar');
      const s = await exportTo(w, out, { matrixId: 'ugv-conditions' });
      expect(s.devices.map((d) => d.device)).toEqual(['sim-1']);
      expect(codes(await verifyFile(out))).toEqual([]);
      await expect(exportTo(w, join(dir, 'x.tar'), { devices: ['nope'] })).rejects.toThrow(ScopeError);
    } finally {
      await w.store.close();
    }
  });

  it('a store that lost the tail of a chain: the hub checkpoint is not reached', async () => {
    const dir = tempDir();
    const w = await world(dir);
    const out = join(dir, 'truncated.tar');
    try {
      const db = new Database(w.path);
      db.prepare("DELETE FROM segments WHERE device_id = 'sim-1' AND first_seq > 100").run();
      db.close();
      await exportTo(w, out);
    } finally {
      await w.store.close();
    }
    const v = await verifyFile(out);
    expect(codes(v)).toEqual(['CHECKPOINT_NOT_REACHED']);
    expect(v.problems[0]).toMatchObject({ device: 'sim-1', seq: 120, file: 'devices/0002/checkpoint.bin' });
    expect(v.problems[0].message).toMatch(/holds seq 1\.\.120, but the packet's chain ends at seq \d+/);
  });
});
