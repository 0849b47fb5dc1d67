// What every end-to-end scenario asserts at the end: the hub's chain for a device is complete up to the
// agent's head, stored once, re-verifies from the raw segments, and has no unexplained hole.
import { expect } from 'vitest';
import { outboxStats, type Agent } from '../../agent/index.js';
import { openStore, unexplainedHoles, verifyStoredChain, type Hub } from '../../hub/index.js';
import type { ChainReport } from '../../proto/index.js';
import type { Device } from './e2e-world.js';
import { waitFor } from './wait-for.js';

/** Waits until the hub's contiguous seq for the device reaches `seq` (stored or explained through it). */
export async function waitForContiguous(hub: Hub, deviceId: string, seq: number, timeoutMs = 60_000): Promise<void> {
  await waitFor(`hub to hold ${deviceId} contiguously through seq ${seq}`, async () => ((await hub.store.deviceState(deviceId))?.contiguousSeq ?? 0) >= seq, {
    timeoutMs,
    describe: () => hubView(hub, deviceId),
  });
}

/** What the hub holds for a device, for timeout messages. */
export async function hubView(hub: Hub, deviceId: string): Promise<Record<string, unknown>> {
  const s = await hub.store.deviceState(deviceId);
  const beyond = s ? await hub.store.storedBeyond(deviceId, s.contiguousSeq, 1000) : [];
  return {
    contiguous: s?.contiguousSeq, head: s?.headSeq, records: s?.recordsStored, rangesBeyond: beyond.length,
    rejected: hub.counters.rejected, duplicates: hub.counters.duplicates,
  };
}

/**
 * The hub holds the device's chain through `head`: contiguous == head, `head - lost` records stored
 * (each seq once: records are keyed by device and seq), no unexplained hole, every seal and link re-verified.
 */
export async function expectIntact(hub: Hub, deviceId: string, head: number, options: { lost?: number } = {}): Promise<ChainReport> {
  const state = await hub.store.deviceState(deviceId);
  expect(state, `hub has no state for ${deviceId}`).toBeDefined();
  expect(state!.contiguousSeq).toBe(head);
  expect(state!.headSeq).toBe(head);
  expect(await hub.store.countRecords(deviceId)).toBe(head - (options.lost ?? 0));
  const coverage = await hub.store.coverage(deviceId);
  expect(unexplainedHoles(coverage.segments, coverage.gaps, head)).toEqual([]);
  const report = await verifyStoredChain(hub.store, deviceId);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.lastSeq).toBe(head);
  return report;
}

export async function rejectionsOf(hub: Hub, deviceId: string): Promise<string[]> {
  return (await hub.store.rejections(1000)).filter((r) => r.deviceId === deviceId).map((r) => `${r.code}: ${r.message}`);
}

/** Waits until the agent's outbox holds nothing: every record acknowledged by the hub and freed. */
export async function waitOutboxEmpty(agent: Agent, timeoutMs = 60_000): Promise<void> {
  await waitFor(`${agent.config.device_id}'s outbox to be empty`, () => outboxStats(agent.outbox.database).records === 0, {
    timeoutMs,
    describe: () => outboxStats(agent.outbox.database),
  });
  expect(agent.outbox.ackedSeq()).toBe(agent.outbox.headSeq());
}

/** Registers devices in a hub store file before any hub runs on it, so nothing arrives unregistered. */
export async function preRegister(storePath: string, ...devices: Device[]): Promise<void> {
  const store = await openStore({ driver: 'sqlite', path: storePath });
  try {
    for (const d of devices) await store.addDeviceKey(d.deviceId, d.key.keyId, d.key.publicKey, 'e2e');
  } finally {
    await store.close();
  }
}
