// Forged acks in the shared e2e suite: raw MQTT clients (never the hub) publish on a device's ack topic
// every kind of bad checkpoint; the agent's outbox never changes, the agent keeps running, and the real
// hub's signed acks still free it.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { outboxStats, type Agent } from '../../agent/index.js';
import { ackTopic } from '../../hub/index.js';
import { encodeAck, signBeyond, signCheckpoint, sha256, type DeviceKey } from '../../proto/index.js';
import { generateDeviceKey, readDeviceKey } from '../../proto/node.js';
import { captureMixed } from './e2e-bodies.js';
import { expectIntact, preRegister, waitForContiguous, waitOutboxEmpty } from './e2e-checks.js';
import type { SuiteContext } from './e2e-suite.js';
import { publish, type E2eWorld } from './e2e-world.js';
import { waitFor } from './wait-for.js';

/** The measured attack: an unsigned Ack (device_id, stored_through = 1000000) in the old wire form. */
export function legacyUnsignedAck(deviceId: string, storedThrough: number): Uint8Array {
  const id = Buffer.from(deviceId);
  const varint: number[] = [];
  for (let v = storedThrough; ; v = Math.floor(v / 128)) {
    if (v < 128) { varint.push(v); break; }
    varint.push((v % 128) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, id.length]), id, Buffer.from([0x10, ...varint])]);
}

function signedAck(key: DeviceKey, ackDevice: string, cp: { deviceId?: string; seq: number; hash: Uint8Array; timeNs?: bigint }): Uint8Array {
  const fields = { hubKeyId: key.keyId, deviceId: cp.deviceId ?? ackDevice, seq: cp.seq, hash: cp.hash, hubTimeUnixNs: cp.timeNs ?? BigInt(Date.now()) * 1_000_000n };
  return encodeAck({ deviceId: ackDevice, hubId: 'forger', checkpoint: signCheckpoint(fields, key.secretKey) });
}

async function publishOnce(w: E2eWorld, url: string, topic: string, payload: Uint8Array): Promise<void> {
  const client = await w.rawClient(url);
  await publish(client, topic, payload);
  await w.closeClient(client);
}

function snapshot(agent: Agent) {
  const s = outboxStats(agent.outbox.database);
  return { records: s.records, ackedSeq: s.ackedSeq, headSeq: s.headSeq, bytes: s.bytes };
}

/** Publishes one forged ack and waits until the agent has counted it as rejected for `reason`. */
async function expectIgnored(w: E2eWorld, agent: Agent, url: string, payload: Uint8Array, reason: string): Promise<void> {
  const before = snapshot(agent);
  const counted = agent.uplink!.counters.acksRejected as Record<string, number>;
  const seen = counted[reason] ?? 0;
  await publishOnce(w, url, ackTopic(agent.config.device_id), payload);
  await waitFor(`the agent to reject a forged ack as ${reason}`, () => (counted[reason] ?? 0) > seen, {
    describe: () => agent.uplink!.counters.acksRejected,
  });
  expect(snapshot(agent), `outbox after a ${reason} ack`).toEqual(before);
}

export function forgedAcks(ctx: SuiteContext): void {
  it('never lets a forged, replayed or mis-hashed ack change an outbox; genuine acks still free it', { timeout: 180_000 }, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const [device, other] = [await w.device('forged'), await w.device('bystander')];
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, device, other);
    const agent = await w.startAgent({ device, brokerUrl: broker.url, sealMaxRecords: 200 });
    await captureMixed(agent, 2000);
    agent.outbox.sealIfDue(true);
    await waitFor('the agent to connect', () => agent.uplink!.connected);
    const head = agent.outbox.headSeq();
    expect(snapshot(agent)).toMatchObject({ records: head, ackedSeq: 0 });

    const hubKey = await readDeviceKey(w.hubKey.keyFile);
    const rogue = await generateDeviceKey();
    const id = device.deviceId;
    const ownHead = agent.outbox.hashAt(head)!;
    await expectIgnored(w, agent, broker.url, legacyUnsignedAck(id, 1_000_000), 'unsigned');
    await expectIgnored(w, agent, broker.url, encodeAck({ deviceId: id, hubId: 'x' }), 'unsigned');
    await expectIgnored(w, agent, broker.url, randomBytes(64), 'malformed');
    await expectIgnored(w, agent, broker.url, signedAck(rogue, id, { seq: head, hash: ownHead }), 'unknown_hub_key');
    await expectIgnored(w, agent, broker.url, signedAck(rogue, id, { seq: head + 1000, hash: randomBytes(32) }), 'unknown_hub_key');
    // The pinned key's id with a signature it never made.
    const tampered = { hubKeyId: hubKey.keyId, deviceId: id, seq: head, hash: ownHead, hubTimeUnixNs: 1, signature: randomBytes(64) };
    await expectIgnored(w, agent, broker.url, encodeAck({ deviceId: id, checkpoint: tampered }), 'bad_signature');
    // A genuine signature over one field, another field changed after signing.
    const genuine = signCheckpoint({ hubKeyId: hubKey.keyId, deviceId: id, seq: 5, hash: agent.outbox.hashAt(5)!, hubTimeUnixNs: 1n }, hubKey.secretKey);
    await expectIgnored(w, agent, broker.url, encodeAck({ deviceId: id, checkpoint: { ...genuine, seq: head } }), 'bad_signature');
    await expectIgnored(w, agent, broker.url, encodeAck({ deviceId: id, checkpoint: { ...genuine, hash: ownHead } }), 'bad_signature');
    // Genuinely signed, for another device, put on this device's topic.
    await expectIgnored(w, agent, broker.url, signedAck(hubKey, id, { deviceId: other.deviceId, seq: head, hash: ownHead }), 'wrong_device');
    await expectIgnored(w, agent, broker.url, signedAck(hubKey, other.deviceId, { seq: head, hash: ownHead }), 'wrong_device');
    // A wrong hash under a key that is not pinned. (Under the pinned key it would be the hub's own word that
    // it holds other content: a fork, re-issuing the records after the hub's head; see e2e-forks.ts.)
    await expectIgnored(w, agent, broker.url, signedAck(rogue, id, { seq: head - 10, hash: sha256(randomBytes(8)) }), 'unknown_hub_key');
    // Signed ranges beyond the checkpoint under a bad signature are dropped with the rest of the ack untouched.
    const rogueCp = { hubKeyId: rogue.keyId, deviceId: id, seq: head, hash: ownHead, hubTimeUnixNs: 1n };
    const withRanges = encodeAck({
      deviceId: id, checkpoint: signCheckpoint(rogueCp, rogue.secretKey),
      storedBeyond: [{ first: 1, last: head, lastHash: ownHead }], beyondSignature: signBeyond(rogueCp, [{ first: 1, last: head, lastHash: ownHead }], rogue.secretKey),
    });
    await expectIgnored(w, agent, broker.url, withRanges, 'unknown_hub_key');

    // The agent still captures, and the real hub's acks free everything.
    await captureMixed(agent, 50, { from: 5000 });
    agent.outbox.sealIfDue(true);
    const finalHead = agent.outbox.headSeq();
    const watcher = await w.rawClient(broker.url);
    const seen: Buffer[] = [];
    watcher.on('message', (_topic, payload) => seen.push(payload));
    await new Promise<void>((resolve, reject) => watcher.subscribe(ackTopic(id), { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    const hub = await w.startHub({ brokerUrl: broker.url, storePath });
    await waitForContiguous(hub, id, finalHead);
    await waitOutboxEmpty(agent);
    await expectIntact(hub, id, finalHead);
    expect(snapshot(agent)).toMatchObject({ records: 0, ackedSeq: finalHead });

    // More records, acknowledged too; then a replay of the first genuine ack is older than what the agent took.
    await captureMixed(agent, 30, { from: 9000 });
    agent.outbox.sealIfDue(true);
    await waitOutboxEmpty(agent);
    await w.stopHub(hub);
    await captureMixed(agent, 30, { from: 9500 });
    agent.outbox.sealIfDue(true);
    expect(seen.length, 'the hub sent acks').toBeGreaterThan(0);
    await expectIgnored(w, agent, broker.url, seen[0], 'stale');
    expect(snapshot(agent).records).toBe(30);
  });
}
