// Reject paths of the shared e2e suite: raw MQTT clients (one per message, none of them the agent's)
// publish forged, altered, misrouted, malformed, oversized and replayed segments; the hub records each
// with its code, stays up, and keeps storing the genuine agent's data.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { segTopic, type Hub } from '../../hub/index.js';
import { decodeSegment, sha256 } from '../../proto/index.js';
import { captureMixed, conditions } from './e2e-bodies.js';
import { expectIntact, preRegister, waitForContiguous, waitOutboxEmpty } from './e2e-checks.js';
import type { SuiteContext } from './e2e-suite.js';
import { publish, type E2eWorld } from './e2e-world.js';
import { flipRecordByte, flipSignatureByte, forgeSegment } from './forge.js';
import { waitFor } from './wait-for.js';

const MAX_PAYLOAD = 16 * 1024;

/** Publishes one message from a fresh client of its own (not the agent's connection), then disconnects. */
async function publishOnce(w: E2eWorld, url: string, topic: string, payload: Uint8Array): Promise<void> {
  const client = await w.rawClient(url);
  await publish(client, topic, payload);
  await w.closeClient(client);
}

/** This hub's rejections of messages on `topic`, newest first (a shared broker may carry other tests' traffic). */
async function rejectionsOn(hub: Hub, topic: string) {
  return (await hub.store.rejections(100_000)).filter((r) => r.topic === topic);
}

/** Publishes one message and waits for the hub to record a rejection for it; returns that rejection. */
async function expectRejected(w: E2eWorld, hub: Hub, url: string, topic: string, payload: Uint8Array, code: string) {
  const before = (await rejectionsOn(hub, topic)).length;
  await publishOnce(w, url, topic, payload);
  const latest = await waitFor(`a ${code} rejection of the message on ${topic}`, async () => {
    const rows = await rejectionsOn(hub, topic);
    return rows.length > before ? rows[0] : undefined;
  });
  expect({ code: latest.code, topic: latest.topic }, latest.message).toEqual({ code, topic });
  expect(latest.payloadBytes).toBe(payload.length);
  expect(await rejectionsOn(hub, topic)).toHaveLength(before + 1);
  return latest;
}

export function rejections(ctx: SuiteContext): void {
  it('records every kind of bad segment with its code and keeps storing the genuine agent', { timeout: 180_000 }, async () => {
    const w = ctx.world();
    const broker = await w.startBroker();
    const [genuine, other, revoked, stranger] = [await w.device('genuine'), await w.device('other'), await w.device('revoked'), await w.device('stranger')];
    const storePath = join(w.dir, 'hub.db');
    await preRegister(storePath, genuine, other, revoked);
    const hub = await w.startHub({ brokerUrl: broker.url, storePath, maxPayloadBytes: MAX_PAYLOAD });
    const agent = await w.startAgent({ device: genuine, brokerUrl: broker.url, sealMaxRecords: 20 });
    await captureMixed(agent, 200);
    agent.outbox.sealIfDue(true);
    await waitForContiguous(hub, genuine.deviceId, agent.outbox.headSeq());
    const stored: Uint8Array[] = [];
    for await (const s of hub.store.rawSegments(genuine.deviceId)) stored.push(s.raw);
    const sample = stored.find((raw) => decodeSegment(raw).records.length >= 5)!;
    expect(sample.length).toBeLessThan(MAX_PAYLOAD);
    const recordsBefore = await hub.store.countRecords(genuine.deviceId);

    const reject = (topic: string, payload: Uint8Array, code: string) => expectRejected(w, hub, broker.url, topic, payload, code);
    const genuineTopic = segTopic(genuine.deviceId);
    const ahead = agent.outbox.headSeq() + 10_000; // far beyond anything the agent will send
    const bodies = [conditions(1), conditions(2), conditions(3)];

    // A device the registry has never heard of.
    await reject(segTopic(stranger.deviceId),
      forgeSegment({ deviceId: stranger.deviceId, key: stranger.key, firstSeq: 1, bodies }).payload, 'UNKNOWN_DEVICE');
    // A registered device, but sealed by a key that is not registered for it.
    await reject(genuineTopic,
      forgeSegment({ deviceId: genuine.deviceId, key: stranger.key, firstSeq: ahead, bodies }).payload, 'UNKNOWN_KEY');
    // The right key, but the signature does not verify.
    await reject(genuineTopic,
      flipSignatureByte(forgeSegment({ deviceId: genuine.deviceId, key: genuine.key, firstSeq: ahead, bodies }).payload), 'BAD_SEAL');
    // A genuine stored segment with one record byte flipped after sealing: the chain names the record.
    const altered = await reject(genuineTopic, flipRecordByte(sample, 1), 'BAD_HASH');
    expect(altered.message).toMatch(/record seq \d+ does not match/);
    // A genuine segment of one device published on another device's topic.
    await reject(segTopic(other.deviceId), sample, 'WRONG_DEVICE');
    // Bytes that are no protobuf Segment at all (wire type 7 does not exist).
    const garbage = randomBytes(512);
    garbage[0] = 0x07;
    await reject(genuineTopic, garbage, 'DECODE');
    // Larger than ingest.max_payload_bytes: refused before decoding.
    await reject(genuineTopic, randomBytes(MAX_PAYLOAD + 1), 'OVERSIZED');
    // Right key, overlapping stored seqs with different content: a forked chain.
    await reject(genuineTopic,
      forgeSegment({ deviceId: genuine.deviceId, key: genuine.key, firstSeq: 2, bodies }).payload, 'CONFLICT');

    // A replay of a genuine stored segment is a duplicate: stored once, not a second copy, not a rejection.
    const duplicates = hub.counters.duplicates;
    const rejectedOnTopic = (await rejectionsOn(hub, genuineTopic)).length;
    await publishOnce(w, broker.url, genuineTopic, sample);
    await waitFor('the replay to be counted as a duplicate', () => hub.counters.duplicates > duplicates);
    expect(await rejectionsOn(hub, genuineTopic)).toHaveLength(rejectedOnTopic);
    expect(await hub.store.countRecords(genuine.deviceId)).toBe(recordsBefore);

    // A device that was accepted, then revoked.
    const revokedFirst = forgeSegment({ deviceId: revoked.deviceId, key: revoked.key, firstSeq: 1, bodies });
    await publishOnce(w, broker.url, segTopic(revoked.deviceId), revokedFirst.payload);
    await waitForContiguous(hub, revoked.deviceId, revokedFirst.lastSeq);
    expect(await hub.store.revokeDevice(revoked.deviceId)).toBe(true);
    const revokedNext = forgeSegment({ deviceId: revoked.deviceId, key: revoked.key, firstSeq: 4, prevHash: hashOfLast(revokedFirst.records), bodies });
    await reject(segTopic(revoked.deviceId), revokedNext.payload, 'UNKNOWN_DEVICE');
    expect(await hub.store.countRecords(revoked.deviceId)).toBe(3);

    // Nothing above touched the genuine chain, and the hub still takes the genuine agent's data.
    await captureMixed(agent, 300, { from: 200 });
    agent.outbox.sealIfDue(true);
    const head = agent.outbox.headSeq();
    await waitForContiguous(hub, genuine.deviceId, head);
    await expectIntact(hub, genuine.deviceId, head);
    await waitOutboxEmpty(agent);
    const ours = new Set([genuine, other, revoked, stranger].map((d) => d.deviceId));
    const codes = (await hub.store.rejections(100_000)).filter((r) => ours.has(r.deviceId)).map((r) => r.code).sort();
    expect(codes).toEqual(['BAD_HASH', 'BAD_SEAL', 'CONFLICT', 'DECODE', 'OVERSIZED', 'UNKNOWN_DEVICE', 'UNKNOWN_DEVICE', 'UNKNOWN_KEY', 'WRONG_DEVICE']);
  });
}

function hashOfLast(records: Uint8Array[]): Uint8Array {
  return sha256(records[records.length - 1]);
}
