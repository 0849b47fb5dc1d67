// Replay to a hub: a recorded mission re-published through a fresh agent into an in-process hub (embedded
// broker) holds the same bodies at the same times in a new chain that verifies, with provenance REPLAY.
// Then the hub store itself is read back as a replay source.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCommand } from '../../bin/commands/sim-replay.js';
import { defaultHubConfig } from '../../config/index.js';
import { Hub, createLogger, verifyStoredChain } from '../../hub/index.js';
import { decodeRecord, decodeSegment, recordToJson, toBigInt, toNumber, type RecordMessage } from '../../proto/index.js';
import { openMission, REPLAY_MARKER } from '../../simulator/replay/index.js';
import { buildMission, DEVICE, MISSION_ID, type BuiltMission } from '../fixtures/replay/mission.js';
import { writeHubKeySync } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { collector } from './fixtures/io.js';

const tempDir = useTempDirs('fp-replay-hub-');
let mission: BuiltMission;
let hub: Hub;
let storePath: string;
let hubPub: string;
beforeAll(async () => {
  mission = await buildMission(tempDir());
  const dir = tempDir();
  storePath = join(dir, 'hub.db');
  const config = defaultHubConfig(dir);
  config.embedded_broker = { enabled: true, host: '127.0.0.1', port: 0 };
  config.store.path = storePath;
  const hubKey = writeHubKeySync(join(dir, 'keys'));
  config.key_file = hubKey.keyFile;
  hubPub = hubKey.pubFile;
  hub = await Hub.start(config, { logger: createLogger('silent') });
});
afterAll(async () => {
  await hub?.stop();
});

async function hubRecords(deviceId: string): Promise<RecordMessage[]> {
  const out: RecordMessage[] = [];
  for await (const s of hub.store.rawSegments(deviceId)) out.push(...decodeSegment(s.raw).records.map(decodeRecord));
  return out;
}

/** A record as JSON without what belongs to its chain: device, seq, prev_hash. */
function content(r: RecordMessage): Record<string, unknown> {
  const { deviceId: _d, seq: _s, prevHash: _p, ...rest } = recordToJson(r);
  return rest;
}

describe('replay --to-hub', () => {
  it('re-publishes the mission under provenance REPLAY: same bodies and times, a new chain that verifies', async () => {
    const io = collector();
    const workDir = join(tempDir(), 'replay');
    const code = await replayCommand(mission.outbox, {
      speed: 0, every: 5, protocolVersion: 4, drainTimeout: 20, logLevel: 'silent', toHub: hub.mqttUrl, hubPubkey: [hubPub], register: storePath, workDir,
    }, io);
    expect(io.errors).toEqual([]);
    expect(code).toBe(0);
    expect(io.lines[2]).toMatch(/^replaying as rover-7-replay with key [0-9a-f]{16} \(public key .*device\.pub, outbox in .*replay\)$/);
    expect(io.lines[3]).toMatch(/^ {2}registered key [0-9a-f]{16} for rover-7-replay in .*hub\.db$/);
    expect(io.lines.at(-1)).toMatch(/^replayed 16 records \(and 1 original boot, gap or key rotation record as markers\) of rover-7 \(seq 1\.\.17\) to mqtt:\/\/127\.0\.0\.1:\d+ as rover-7-replay seq 1\.\.19; the hub acknowledged all of it \(through seq 19\)/);

    const original = (() => {
      const m = openMission(mission.outbox);
      try {
        return [...m.records()].map((r) => r.record);
      } finally {
        m.close();
      }
    })();
    const replayed = await hubRecords('rover-7-replay');
    expect(replayed).toHaveLength(original.length + 2);
    // The replay's own Boot: provenance REPLAY, the original mission id, the original criteria hash.
    const boot = recordToJson(replayed[0]) as { boot: { provenance: Record<string, unknown>; criteriaHash: string } };
    expect(boot.boot.provenance).toMatchObject({ source: 'REPLAY', missionId: MISSION_ID, vehicleType: 'ugv' });
    expect(boot.boot.criteriaHash).toBe((recordToJson(original[0]) as { boot: { criteriaHash: string } }).boot.criteriaHash);
    expect(replayed[1].marker).toMatchObject({ kind: REPLAY_MARKER.START, tags: { original_device: DEVICE, original_first_seq: '1', original_last_seq: '17', verified: 'true' } });
    expect(Date.parse(replayed[1].marker!.tags!.replayed_at)).toBeGreaterThan(Date.now() - 60_000);
    // Its Boot and start marker carry the mission's first time, so the replayed chain reads as the mission did.
    expect(toBigInt(replayed[0].timeUnixNs)).toBe(toBigInt(original[0].timeUnixNs));
    expect(toBigInt(replayed[1].timeUnixNs)).toBe(toBigInt(original[0].timeUnixNs));
    // Every original record, in order: the same body and times; the original Boot as a marker.
    original.forEach((o, i) => {
      const r = replayed[i + 2];
      expect(toNumber(r.seq)).toBe(i + 3);
      expect(r.deviceId).toBe('rover-7-replay');
      if (o.body === 'boot') {
        expect(r.marker).toMatchObject({ kind: REPLAY_MARKER.BOOT, tags: { original_seq: '1', mission_id: MISSION_ID, key_id: mission.key.keyId } });
        expect(toBigInt(r.timeUnixNs)).toBe(toBigInt(o.timeUnixNs));
      } else {
        expect(content(r)).toEqual(content(o));
      }
    });
    const report = await verifyStoredChain(hub.store, 'rover-7-replay');
    expect(report).toMatchObject({ ok: true, records: 19, firstSeq: 1, lastSeq: 19 });
  });

  it('reads the hub store back as a replay source: segments as received, checked with the registered keys', async () => {
    const m = openMission(storePath);
    try {
      expect(m).toMatchObject({ source: 'hub-store', deviceId: 'rover-7-replay', verification: { ok: true, records: 19 } });
      expect(m.verification.trust).toMatch(/registered for rover-7-replay in the hub store/);
      const kinds = [...m.records()].map((r) => r.kind);
      expect(kinds.slice(0, 4)).toEqual(['boot', 'marker', 'marker', 'conditions']);
    } finally {
      m.close();
    }
    expect(() => openMission(storePath, { device: 'ghost' })).toThrow(/holds no segments of device "ghost" \(it has rover-7-replay\)/);
    const io = collector();
    expect(await replayCommand(storePath, { speed: 0, every: 5, protocolVersion: 4, drainTimeout: 1, logLevel: 'silent', device: 'rover-7-replay' }, io)).toBe(0);
    expect(io.lines[0]).toMatch(/^mission of rover-7-replay from hub store .*hub\.db: 19 records \(seq 1\.\.19\)$/);
    expect(io.lines.find((l) => l.includes('boot '))).toMatch(/REPLAY mission m-42 \(ugv\)/);
    expect(io.lines.find((l) => l.includes('NO-GO'))).toMatch(/\+11\.000s +#11 +NO-GO +min_lux 60/);
  });

  it('refuses to start a second, conflicting chain for a device the hub already holds', async () => {
    await expect(replayCommand(mission.outbox, {
      speed: 0, every: 5, protocolVersion: 4, drainTimeout: 1, logLevel: 'silent', toHub: hub.mqttUrl, hubPubkey: [hubPub], register: storePath, workDir: join(tempDir(), 'again'),
    }, collector())).rejects.toThrow(/already holds records up to seq 19 of device "rover-7-replay" from an earlier replay: pass another --replay-device/);
  });

  it('continues the same replay chain when given the earlier work dir, and waits for an unregistered key only until the timeout', async () => {
    const workDir = join(tempDir(), 'unregistered');
    const io = collector();
    const code = await replayCommand(mission.outbox, {
      speed: 0, every: 5, protocolVersion: 4, drainTimeout: 1, logLevel: 'silent', toHub: hub.mqttUrl, hubPubkey: [hubPub], workDir, replayDevice: 'rover-7-unknown',
    }, io);
    expect(code).toBe(1);
    expect(io.lines[3]).toMatch(/register it with the hub: fieldproof hub devices add rover-7-unknown --pubkey .*device\.pub --store <hub store>/);
    expect(io.errors.at(-1)).toMatch(/the hub acknowledged through seq 0 of 19 after 1 s: is key [0-9a-f]{16} registered for rover-7-unknown\?/);
    // Registering now and rerunning with the same work dir sends the first run's records and continues the chain.
    const again = collector();
    expect(await replayCommand(mission.outbox, {
      speed: 0, every: 5, protocolVersion: 4, drainTimeout: 20, logLevel: 'silent', toHub: hub.mqttUrl, hubPubkey: [hubPub], workDir, replayDevice: 'rover-7-unknown', register: storePath,
    }, again)).toBe(0);
    expect(again.lines.at(-1)).toMatch(/as rover-7-unknown seq 20\.\.38; the hub acknowledged all of it/);
    expect(await verifyStoredChain(hub.store, 'rover-7-unknown')).toMatchObject({ ok: true, records: 38 });
  });

  it('says so when the broker cannot be reached, keeping everything in the replay outbox', async () => {
    const io = collector();
    const workDir = join(tempDir(), 'offline');
    expect(await replayCommand(mission.outbox, {
      speed: 0, every: 5, protocolVersion: 4, drainTimeout: 0.5, logLevel: 'silent', toHub: 'mqtt://127.0.0.1:1', hubPubkey: [hubPub], workDir,
    }, io)).toBe(1);
    expect(io.errors.at(-1)).toMatch(new RegExp(`through seq 0 of 19 after 0.5 s: the broker at mqtt://127.0.0.1:1 could not be reached. The rest stays in .*outbox.db; rerun with --work-dir ${workDir}`));
  });
});
