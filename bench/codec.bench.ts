// Codec: records/s of the outbox's hot path (encodeRecordWithBody + SHA-256 per record) beside
// protobufjs encoding the full Record with schema.Record.encode, measured in the same run.
import { encodeBody, encodeRecordWithBody, fromBigInt, schema, sha256, type EncodedBody, type RecordFields } from '../proto/index.js';
import { BENCH_DEVICE, conditionsBody } from './lib/bodies.js';
import { row, type Baseline, type BenchContext, type Row } from './lib/rows.js';
import { median, perSecond } from './lib/stats.js';

const POOL = 1000;

export async function run(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 30_000 : 100_000;
  const runs = 3;
  const t = BigInt(Date.now()) * 1_000_000n;
  const bodies = Array.from({ length: POOL }, (_, i) => conditionsBody(i));
  const encoded: EncodedBody[] = bodies.map(encodeBody);
  const prev = sha256(new Uint8Array(32));
  const fields = (i: number, prevHash: Uint8Array): RecordFields => ({ deviceId: BENCH_DEVICE, seq: i + 1, timeUnixNs: t + BigInt(i), monoNs: 5_000_000_000n + BigInt(i), prevHash });
  const message = (i: number, prevHash: Uint8Array) => ({
    deviceId: BENCH_DEVICE, seq: i + 1, timeUnixNs: fromBigInt(t + BigInt(i)), monoNs: fromBigInt(5_000_000_000n + BigInt(i)), prevHash,
    conditions: (bodies[i % POOL] as { conditions: object }).conditions,
  });

  // The fast path is only worth measuring if it produces protobufjs's exact bytes.
  const ours = encodeRecordWithBody(fields(7, prev), encoded[7]);
  const theirs = schema.Record.encode(message(7, prev)).finish();
  if (Buffer.compare(Buffer.from(ours), Buffer.from(theirs)) !== 0) throw new Error('encodeRecordWithBody differs from schema.Record.encode: the codec is broken, not slow');

  const measure = (fn: (i: number) => Uint8Array): number => {
    let sink = 0;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sink ^= fn(i).length;
    const ms = performance.now() - t0;
    if (sink === -1) ctx.log(String(sink));
    return perSecond(n, ms);
  };
  const cases: Record<string, (i: number) => Uint8Array> = {
    envelope: (i) => encodeRecordWithBody(fields(i, prev), encoded[i % POOL]),
    chained: (() => { let h = prev; return (i: number) => (h = sha256(encodeRecordWithBody(fields(i, h), encoded[i % POOL]))); })(),
    full: (() => { let h = prev; return (i: number) => (h = sha256(encodeRecordWithBody(fields(i, h), encodeBody(bodies[i % POOL])))); })(),
    protobufjs: (i) => schema.Record.encode(message(i, prev)).finish(),
    protobufjsHashed: (() => { let h = prev; return (i: number) => (h = sha256(schema.Record.encode(message(i, h)).finish())); })(),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const fn of Object.values(cases)) measure(fn); // warm-up
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of Object.entries(cases)) samples[name].push(measure(fn));
    ctx.log(`codec round ${r + 1}/${runs}: ${Object.entries(samples).map(([k, v]) => `${k} ${Math.round(v[r] / 1000)}k`).join(', ')} /s`);
  }
  const m = (k: string) => median(samples[k]);
  const base: Baseline = { name: 'protobufjs schema.Record.encode(full record)', figure: m('protobufjs'), unit: 'rec/s', samples: samples.protobufjs };
  const baseHashed: Baseline = { name: 'protobufjs schema.Record.encode + SHA-256', figure: m('protobufjsHashed'), unit: 'rec/s', samples: samples.protobufjsHashed };
  const note = `${n} records of ${ours.length} B, median of ${runs}; byte-identical to protobufjs`;
  return [
    row('encodeRecordWithBody (body pre-encoded)', m('envelope'), 'rec/s', base, { note, samples: samples.envelope }),
    row('encodeRecordWithBody + sha256 (outbox commit path)', m('chained'), 'rec/s', base, { samples: samples.chained }),
    row('encodeBody + encodeRecordWithBody + sha256 (append + commit)', m('full'), 'rec/s', base, { samples: samples.full }),
    row('encodeBody + encodeRecordWithBody + sha256 (append + commit)', m('full'), 'rec/s', baseHashed, { samples: samples.full }),
  ];
}
