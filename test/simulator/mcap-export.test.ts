// MCAP export of a real recorded mission, read back with @mcap/core's indexed reader: channels, schemas,
// message counts and times, JSON that equals the records and fits each channel's JSON Schema, metadata.
import { McapIndexedReader, McapStreamReader, type McapTypes } from '@mcap/core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportMcapCommand, type Io } from '../../bin/commands/sim-replay.js';
import { BODY_KINDS, recordToJson, schema as proto, toNumber } from '../../proto/index.js';
import { ENUMS, exportMcap, METADATA_NAME, recordSchema, type JsonSchema } from '../../simulator/mcap/index.js';
import { openMission, type MissionRecord } from '../../simulator/replay/index.js';
import { buildMission, DEVICE, type BuiltMission } from '../fixtures/replay/mission.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs('fp-mcap-');
let mission: BuiltMission;
let records: MissionRecord[];
let out: string;
beforeAll(async () => {
  mission = await buildMission(tempDir());
  const m = openMission(mission.outbox);
  try {
    records = [...m.records()];
    out = join(tempDir(), 'mission.mcap');
    await exportMcap(m, out);
  } finally {
    m.close();
  }
});

async function reader(file: string): Promise<McapIndexedReader> {
  const bytes = readFileSync(file);
  return McapIndexedReader.Initialize({
    readable: { size: async () => BigInt(bytes.length), read: async (offset, size) => bytes.subarray(Number(offset), Number(offset + size)) },
  });
}

/** Enough of JSON Schema for ours: type, enum, const, pattern, properties, additionalProperties, items, required. */
function validate(value: unknown, s: JsonSchema, at = '$'): string[] {
  const errors: string[] = [];
  const type = s.type as string | undefined;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) return [`${at}: expected ${type}, got ${actual}`];
  if (s.enum && !(s.enum as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if ('const' in s && s.const !== value) errors.push(`${at}: expected ${JSON.stringify(s.const)}`);
  if (s.pattern && !new RegExp(s.pattern as string).test(value as string)) errors.push(`${at}: ${JSON.stringify(value)} does not match ${s.pattern}`);
  if (type === 'array') (value as unknown[]).forEach((v, i) => errors.push(...validate(v, s.items as JsonSchema, `${at}[${i}]`)));
  if (type === 'object') {
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (s.required ?? []) as string[]) if (!(key in (value as object))) errors.push(`${at}.${key}: required`);
    for (const [key, v] of Object.entries(value as object)) {
      if (props[key]) errors.push(...validate(v, props[key], `${at}.${key}`));
      else if (s.additionalProperties === false) errors.push(`${at}.${key}: not in the schema`);
      else if (typeof s.additionalProperties === 'object') errors.push(...validate(v, s.additionalProperties as JsonSchema, `${at}.${key}`));
    }
  }
  return errors;
}

describe('MCAP export', () => {
  it('writes one JSON channel per record kind under /fieldproof/<device>/, with a JSON Schema each', async () => {
    const r = await reader(out);
    const channels = [...r.channelsById.values()];
    expect(channels.map((c) => c.topic).sort()).toEqual(
      ['boots', 'conditions', 'decisions', 'handovers', 'health', 'markers'].map((c) => `/fieldproof/${DEVICE}/${c}`),
    );
    for (const c of channels) {
      expect(c.messageEncoding).toBe('json');
      const s = r.schemasById.get(c.schemaId)!;
      expect(s.encoding).toBe('jsonschema');
      expect(JSON.parse(new TextDecoder().decode(s.data))).toMatchObject({ type: 'object', title: s.name });
    }
    expect(r.schemasById.size).toBe(6);
    expect(r.statistics).toMatchObject({ messageCount: 17n, channelCount: 6, schemaCount: 6, metadataCount: 1 });
    expect(r.statistics!.messageStartTime).toBe(1_700_000_000_000_000_000n);
    expect(r.statistics!.messageEndTime).toBe(1_700_000_025_000_000_000n);
    const counts = Object.fromEntries([...r.statistics!.channelMessageCounts].map(([id, n]) => [r.channelsById.get(id)!.topic.split('/').pop(), Number(n)]));
    expect(counts).toEqual({ boots: 1, conditions: 6, health: 1, decisions: 4, handovers: 4, markers: 1 });
  });

  it('holds one message per record at its capture time, whose JSON is the record and fits its schema', async () => {
    const r = await reader(out);
    const messages: McapTypes.TypedMcapRecords['Message'][] = [];
    for await (const m of r.readMessages()) messages.push(m);
    expect(messages).toHaveLength(records.length);
    messages.sort((a, b) => a.sequence - b.sequence);
    messages.forEach((m, i) => {
      const record = records[i];
      expect(m.sequence).toBe(record.seq);
      expect(m.logTime).toBe(record.timeUnixNs);
      expect(m.publishTime).toBe(record.timeUnixNs);
      const json = JSON.parse(new TextDecoder().decode(m.data));
      expect(json).toEqual(JSON.parse(JSON.stringify(recordToJson(record.record))));
      expect(r.channelsById.get(m.channelId)!.topic).toBe(`/fieldproof/${DEVICE}/${{ boot: 'boots', conditions: 'conditions', health: 'health', decision: 'decisions', handover: 'handovers', marker: 'markers' }[record.kind as string]}`);
      const schema = JSON.parse(new TextDecoder().decode(r.schemasById.get(r.channelsById.get(m.channelId)!.schemaId)!.data));
      expect(validate(json, schema)).toEqual([]);
    });
    const noGo = messages.map((m) => JSON.parse(new TextDecoder().decode(m.data))).find((j) => j.decision?.verdict === 'NO_GO');
    expect(noGo.decision.criteria[0]).toMatchObject({ name: 'min_lux', value: 60, comparator: 'GE', threshold: 100 });
  });

  it('says in a metadata record which device, key and seq range it holds and whether the chain verified', async () => {
    const r = await reader(out);
    const metadata: McapTypes.TypedMcapRecords['Metadata'][] = [];
    for await (const m of r.readMetadata()) metadata.push(m);
    expect(metadata).toHaveLength(1);
    expect(metadata[0].name).toBe(METADATA_NAME);
    expect(Object.fromEntries(metadata[0].metadata)).toMatchObject({
      device_id: DEVICE, key_ids: mission.key.keyId, mission_ids: 'm-42', first_seq: '1', last_seq: '17', records: '17', source: 'outbox', verified: 'true',
      verification: expect.stringMatching(/^ok: every seal and link checked against the public key stored in the outbox itself/),
    });
  });

  it('streams back with McapStreamReader too, record for record', () => {
    const stream = new McapStreamReader();
    stream.append(readFileSync(out));
    const kinds: string[] = [];
    for (let rec; (rec = stream.nextRecord()); ) kinds.push(rec.type);
    expect(kinds.filter((k) => k === 'Message')).toHaveLength(17);
    expect(kinds[0]).toBe('Header');
    expect(stream.done()).toBe(true);
  });

  it('keeps its schemas honest: every enum name the codec knows, and the schema fields of every body kind', () => {
    const names = (e: object) => Object.keys(e).filter((k) => Number.isNaN(Number(k)));
    expect(ENUMS.source).toEqual(names(proto.Provenance.Source));
    expect(ENUMS.precipitation).toEqual(names(proto.Weather.Precipitation));
    expect(ENUMS.cause).toEqual(names(proto.Occlusion.Cause));
    expect(ENUMS.fix).toEqual(names(proto.Gnss.Fix));
    expect(ENUMS.authority).toEqual(names(proto.Handover.Authority));
    expect(ENUMS.initiator).toEqual(names(proto.Handover.Initiator));
    expect(ENUMS.phase).toEqual(names(proto.Handover.Phase));
    expect(ENUMS.verdict).toEqual(names(proto.Decision.Verdict));
    expect(ENUMS.trigger).toEqual(names(proto.Decision.Trigger));
    expect(ENUMS.comparator).toEqual(names(proto.Criterion.Comparator));
    expect(ENUMS.severity).toEqual(names(proto.Marker.Severity));
    expect(ENUMS.gapReason).toEqual(names(proto.Gap.Reason));

    const fields = (type: { prototype: object }) => Object.keys(type.prototype).filter((k) => k !== 'toJSON').sort();
    const props = (s: JsonSchema) => Object.keys((s.type === 'array' ? (s.items as JsonSchema) : s).properties as object).sort();
    const body = (kind: Parameters<typeof recordSchema>[0]) => (recordSchema(kind, 'x').properties as Record<string, JsonSchema>)[kind];
    const nested = (s: JsonSchema, key: string) => (s.properties as Record<string, JsonSchema>)[key];
    const pairs: [JsonSchema, { prototype: object }][] = [
      [body('boot'), proto.Boot], [nested(body('boot'), 'models'), proto.ModelInfo], [nested(body('boot'), 'provenance'), proto.Provenance],
      [body('conditions'), proto.Conditions], [nested(body('conditions'), 'weather'), proto.Weather], [nested(body('conditions'), 'lighting'), proto.Lighting],
      [nested(body('conditions'), 'vibration'), proto.Vibration], [nested(body('conditions'), 'occlusion'), proto.Occlusion],
      [nested(body('conditions'), 'gnss'), proto.Gnss], [nested(body('conditions'), 'measurements'), proto.Measurement],
      [body('handover'), proto.Handover], [body('decision'), proto.Decision], [nested(body('decision'), 'criteria'), proto.Criterion],
      [body('health'), proto.Health], [nested(body('health'), 'sensors'), proto.SensorHealth], [body('marker'), proto.Marker],
      [body('gap'), proto.Gap], [body('keyRotation'), proto.KeyRotation],
    ];
    for (const [s, type] of pairs) expect(props(s)).toEqual(fields(type));
    expect(props(recordSchema('gap', 'x')).filter((k) => !['body', 'gap'].includes(k))).toEqual(fields(proto.Record).filter((k) => !BODY_KINDS.includes(k as never) && k !== 'body'));
  });

  it('exports from the CLI, writing to a .partial file renamed only when complete', async () => {
    const file = join(tempDir(), 'cli.mcap');
    const lines: string[] = [];
    const io: Io = { out: (l) => lines.push(l), err: () => {}, color: false };
    expect(await exportMcapCommand(mission.outbox, file, {}, io)).toBe(0);
    expect(lines[0]).toMatch(/^wrote .*cli\.mcap \(\d+ bytes\): 17 messages from rover-7 \(seq 1\.\.17, 2023-11-14T22:13:20\.000Z \.\. 2023-11-14T22:13:45\.000Z\), chain verified$/);
    expect(lines.find((l) => l.includes('/decisions'))).toMatch(/^ {2}\/fieldproof\/rover-7\/decisions +4 +fieldproof\.v1\.DecisionRecord$/);
    expect(existsSync(`${file}.partial`)).toBe(false);
    expect(toNumber((await reader(file)).statistics!.messageCount)).toBe(17);
  });
});
