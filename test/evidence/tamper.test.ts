// Every tampering of a valid packet fails, named: a byte flipped in a segment, a segment removed or repeated, the
// manifest edited, the hub signature replaced, a report figure edited, the tail cut. Each also re-sealed by a forger
// (the manifest rewritten to match and signed with another key), so the content checks are shown to catch it alone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSegment, decodeRecord, toNumber } from '../../proto/index.js';
import { CELLS_FILE, MANIFEST, MANIFEST_SIG, type PacketVerdict } from '../../proto/packet/index.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { codes, exportTo, hubKey, verifyFile, world, type World } from './evidence-world.js';
import { concat, file, frames, manifestOf, readPacket, reseal, writePacket, type PacketFiles } from './packet-surgery.js';

const tempDir = useTempDirs('fieldproof-tamper-');
const PART = 'devices/0001/segments-000001.bin';
let dir: string;
let w: World;
let valid: string;

beforeAll(async () => {
  dir = tempDir();
  w = await world(dir);
  valid = join(dir, 'valid.tar');
  await exportTo(w, valid);
});
afterAll(async () => {
  await w.store.close();
});

let n = 0;
/** Applies `change` to a copy of the valid packet; verifies it as it is and, re-sealed by a forger, both ways. */
async function tampered(change: (p: PacketFiles) => void | Promise<void>): Promise<{ plain: PacketVerdict; forged: PacketVerdict; pinned: PacketVerdict }> {
  const p = await readPacket(valid);
  await change(p);
  const plainPath = join(dir, `t${++n}.tar`);
  await writePacket(plainPath, p);
  await reseal(p, await testKey(0x66));
  const forgedPath = join(dir, `t${n}-forged.tar`);
  await writePacket(forgedPath, p);
  const hub = await hubKey();
  return { plain: await verifyFile(plainPath), forged: await verifyFile(forgedPath), pinned: await verifyFile(forgedPath, { hubPublicKey: hub.publicKey }) };
}

const problem = (v: PacketVerdict, code: string) => v.problems.find((p) => p.code === code);

describe('a tampered packet fails, naming what', () => {
  it('the valid packet verifies, and pinned to its hub key', async () => {
    const v = await verifyFile(valid, { hubPublicKey: (await hubKey()).publicKey });
    expect(codes(v)).toEqual([]);
    expect(v.hub.pinned).toBe(true);
  });

  it('a byte flipped in a record: the file hash, and the record by seq', async () => {
    let seq = 0;
    const r = await tampered((p) => {
      const part = file(p, PART);
      const segment = frames(part.bytes)[3].subarray(12);
      const record = decodeSegment(segment).records[0];
      seq = toNumber(decodeRecord(record).seq);
      const at = Buffer.from(part.bytes).indexOf(Buffer.from(record)) + record.length - 1;
      part.bytes[at] ^= 0x01;
    });
    expect(codes(r.plain)).toEqual(expect.arrayContaining(['FILE_HASH', 'BAD_HASH']));
    expect(problem(r.plain, 'FILE_HASH')?.file).toBe(PART);
    expect(problem(r.plain, 'BAD_HASH')).toMatchObject({ file: PART, device: 'field-1', seq });
    // re-sealed: the hub's checkpoints no longer match the manifest's key, and the seal still names the record
    expect(codes(r.forged)).toEqual(expect.arrayContaining(['CHECKPOINT_SIGNATURE', 'BAD_HASH']));
    expect(codes(r.forged)).not.toContain('FILE_HASH');
    expect(codes(r.pinned)).toEqual(expect.arrayContaining(['HUB_KEY', 'HUB_SIGNATURE', 'BAD_HASH']));
  });

  it('a segment removed: the seqs it held are an unexplained gap', async () => {
    let first = 0;
    const r = await tampered((p) => {
      const part = file(p, PART);
      const all = frames(part.bytes);
      first = toNumber(decodeSegment(all[5].subarray(12)).seal!.firstSeq);
      part.bytes = concat([...all.slice(0, 5), ...all.slice(6)]);
    });
    for (const v of [r.plain, r.forged]) expect(problem(v, 'UNEXPLAINED_GAP')).toMatchObject({ device: 'field-1', seq: first, file: PART });
    expect(problem(r.plain, 'FILE_SIZE')?.file).toBe(PART);
  });

  it('a segment repeated: the chain goes back, named at the repeat', async () => {
    const r = await tampered((p) => {
      const part = file(p, PART);
      const all = frames(part.bytes);
      part.bytes = concat([...all.slice(0, 6), all[5], ...all.slice(6)]);
    });
    for (const v of [r.plain, r.forged]) {
      expect(problem(v, 'SEQ_ORDER')).toMatchObject({ device: 'field-1', file: PART });
      expect(problem(v, 'SEQ_ORDER')?.message).toMatch(/repeated or out of order/);
    }
  });

  it('the manifest edited: the hub signature fails', async () => {
    const p = await readPacket(valid);
    const m = manifestOf(p);
    m.devices[0].last_seq -= 3;
    file(p, MANIFEST).bytes = new TextEncoder().encode(JSON.stringify(m));
    const path = join(dir, 'manifest-edited.tar');
    await writePacket(path, p);
    const v = await verifyFile(path);
    expect(codes(v)).toEqual(expect.arrayContaining(['HUB_SIGNATURE', 'MANIFEST_NOT_CANONICAL', 'LAST_SEQ']));
    expect(problem(v, 'HUB_SIGNATURE')?.file).toBe(MANIFEST_SIG);
  });

  it('the hub signature replaced: by another key (named), or forged bytes', async () => {
    const other = await testKey(0x67);
    const p = await readPacket(valid);
    await reseal(p, other, (m) => { m.hub_key_id = (manifestOf(p)).hub_key_id; });
    // the manifest still names the real hub; the signature is the other key's
    const path = join(dir, 'sig-replaced.tar');
    await writePacket(path, p);
    expect(codes(await verifyFile(path))).toContain('HUB_KEY');
    expect(codes(await verifyFile(path, { hubPublicKey: (await hubKey()).publicKey }))).toEqual(expect.arrayContaining(['HUB_KEY', 'HUB_SIGNATURE']));

    const q = await readPacket(valid);
    const sig = JSON.parse(new TextDecoder().decode(file(q, MANIFEST_SIG).bytes)) as { public_key: string; signature: string };
    sig.signature = `${sig.signature.slice(0, 10)}${sig.signature[10] === '0' ? '1' : '0'}${sig.signature.slice(11)}`;
    file(q, MANIFEST_SIG).bytes = new TextEncoder().encode(JSON.stringify(sig));
    const path2 = join(dir, 'sig-flipped.tar');
    await writePacket(path2, q);
    const v = await verifyFile(path2);
    expect(codes(v)).toEqual(['HUB_SIGNATURE']);
    expect(v.hub.signature).toBe('failed');
  });

  it('a report figure edited: recomputed from the records, named by path', async () => {
    const r = await tampered((p) => {
      const cells = file(p, CELLS_FILE);
      const json = JSON.parse(new TextDecoder().decode(cells.bytes)) as { totals: { all: { no_go: number } } };
      json.totals.all.no_go += 1;
      cells.bytes = new TextEncoder().encode(JSON.stringify(json));
    });
    for (const v of [r.plain, r.forged]) expect(problem(v, 'REPORT_MISMATCH')?.message).toMatch(/totals\.all\.no_go: the records give \d+, the report says \d+/);
  });

  it('a decision row edited: named by device and seq', async () => {
    let seq = 0;
    const r = await tampered((p) => {
      const log = file(p, /^reports\/decisions-/);
      const lines = new TextDecoder().decode(log.bytes).split('\n');
      const row = JSON.parse(lines[2]) as { verdict: string; seq: number; device: string };
      seq = row.seq;
      row.verdict = row.verdict === 'GO' ? 'NO_GO' : 'GO';
      lines[2] = JSON.stringify(row);
      log.bytes = new TextEncoder().encode(lines.join('\n'));
    });
    for (const v of [r.plain, r.forged]) {
      expect(problem(v, 'REPORT_MISMATCH')).toMatchObject({ seq, file: 'reports/decisions-000001.jsonl' });
      expect(problem(v, 'REPORT_MISMATCH')?.message).toMatch(/verdict/);
    }
  });

  it('the tail cut: the archive bytes, a file, or the last segments', async () => {
    const bytes = readFileSync(valid);
    const cut = join(dir, 'cut-bytes.tar');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 3000));
    expect(codes(await verifyFile(cut))).toEqual(expect.arrayContaining(['ARCHIVE', 'MANIFEST_MISSING']));

    const r = await tampered((p) => {
      const part = file(p, PART);
      const all = frames(part.bytes);
      part.bytes = concat(all.slice(0, -2));
    });
    for (const v of [r.plain, r.forged, r.pinned]) {
      expect(problem(v, 'CHECKPOINT_NOT_REACHED') ?? problem(v, 'CHECKPOINT_SIGNATURE')).toBeDefined();
    }
    expect(problem(r.plain, 'CHECKPOINT_NOT_REACHED')).toMatchObject({ device: 'field-1', file: 'devices/0001/checkpoint.bin', seq: 120 });

    const s = await readPacket(valid);
    s.files = s.files.filter((f) => f.name !== PART);
    const dropped = join(dir, 'dropped-part.tar');
    await writePacket(dropped, s);
    expect(codes(await verifyFile(dropped))).toEqual(expect.arrayContaining(['FILE_MISSING', 'CHECKPOINT_NOT_REACHED']));
  });

  it('a file added after signing is named', async () => {
    const p = await readPacket(valid);
    p.files.splice(2, 0, { name: 'devices/0001/extra.bin', bytes: new Uint8Array([1, 2, 3]) });
    const path = join(dir, 'added.tar');
    await writePacket(path, p);
    expect(codes(await verifyFile(path))).toEqual(['FILE_UNLISTED']);
  });
});
