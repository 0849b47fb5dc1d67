// Runs a matrix plan: each row a real agent (own outbox, own key registered with the hub) on simulated
// time, syncing over MQTT, tagged with the matrix and row ids; up to `parallel` rows at once.
import { join } from 'node:path';
import type { Scenario } from '../../config/scenario-config.js';
import { type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey } from '../../proto/node.js';
import { startDirectRun, type HubLink } from '../run/direct-target.js';
import { driveScenario, type DriveStats } from '../run/drive.js';
import type { MatrixPlan, MatrixRow } from './plan.js';

export interface MatrixHub extends HubLink {
  /** Registers a row's device key with the hub before the row's agent starts. */
  register(deviceId: string, key: DeviceKey, label: string): Promise<void>;
}

export interface RowResult {
  row: MatrixRow;
  deviceId: string;
  /** Records the row's agent committed (its last seq). */
  records: number;
  /** True when the hub acknowledged everything before the agent stopped. */
  drained: boolean;
  stats: DriveStats;
  wallMs: number;
}

export interface MatrixRunOptions {
  plan: MatrixPlan;
  /** Each row's outbox goes to DIR/<row id>/outbox.db. */
  dir: string;
  hub: MatrixHub;
  parallel: number;
  /** How long a row's agent waits for the hub's acks when it stops (default 60 s). */
  drainMs?: number;
  onAdvance?(row: MatrixRow, tS: number): void;
  onRowDone?(result: RowResult): void;
  stopped?(): boolean;
}

/**
 * The device id of a row: sim-<matrix>-<row>-<first 6 of its key id>, within the 64 characters a device
 * id may have. The key part keeps runs apart at a hub that already holds an earlier run's rows.
 */
export function rowDeviceId(matrixId: string, rowId: string, keyId: string): string {
  return `sim-${matrixId.slice(0, 51 - rowId.length)}-${rowId}-${keyId.slice(0, 6)}`;
}

export async function runMatrix(o: MatrixRunOptions): Promise<RowResult[]> {
  const results: RowResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < o.plan.rows.length && !o.stopped?.()) {
      const row = o.plan.rows[next++];
      const result = await runRow(o, row);
      results.push(result);
      o.onRowDone?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel, o.plan.rows.length)) }, worker));
  return results.sort((a, b) => a.row.id.localeCompare(b.row.id));
}

async function runRow(o: MatrixRunOptions, row: MatrixRow): Promise<RowResult> {
  const key = await generateDeviceKey();
  const deviceId = rowDeviceId(o.plan.matrixId, row.id, key.keyId);
  const label = `${o.plan.matrixId} ${row.id}: ${Object.entries(row.levels).map(([d, l]) => `${d}=${l}`).join(' ')}`;
  const run = await runScenario({
    scenario: row.scenario, deviceId, key, label, outboxPath: join(o.dir, row.id, 'outbox.db'), hub: o.hub, matrixId: o.plan.matrixId, rowId: row.id,
    plannedLevels: row.levels, drainMs: o.drainMs, onAdvance: (tS) => o.onAdvance?.(row, tS), stopped: o.stopped,
  });
  return { row, deviceId, ...run };
}

export interface ScenarioRunOptions {
  scenario: Scenario;
  deviceId: string;
  outboxPath: string;
  /** Absent: the uplink is off and the records stay in the outbox. */
  hub?: MatrixHub;
  /** Default: a new key, registered with the hub. */
  key?: DeviceKey;
  label?: string;
  matrixId?: string;
  rowId?: string;
  plannedLevels?: Record<string, string>;
  drainMs?: number;
  onAdvance?(tS: number): void;
  stopped?(): boolean;
}

/** One scenario through an in-process agent on simulated time, then a drain to the hub. */
export async function runScenario(o: ScenarioRunOptions): Promise<Omit<RowResult, 'row' | 'deviceId'>> {
  const started = performance.now();
  const key = o.key ?? (await generateDeviceKey());
  await o.hub?.register(o.deviceId, key, o.label ?? `simulated: ${o.scenario.name}`);
  const run = await startDirectRun({
    scenario: o.scenario, deviceId: o.deviceId, outboxPath: o.outboxPath, key, hub: o.hub, matrixId: o.matrixId, rowId: o.rowId,
    plannedLevels: o.plannedLevels,
  });
  let stats: DriveStats;
  try {
    stats = await driveScenario(o.scenario, run.target, { onProgress: o.onAdvance, stopped: o.stopped });
  } catch (err) {
    await run.finish(0).catch(() => undefined);
    throw err;
  }
  const { headSeq, drained } = await run.finish(o.hub ? o.drainMs ?? 60_000 : 0);
  return { records: headSeq, drained, stats, wallMs: performance.now() - started };
}
