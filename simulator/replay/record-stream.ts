// Streams a mission's records out of its file after verification: a page of rows at a time, decoded,
// and checked to be the very records that were verified. Shared by the outbox and hub store readers.
import { decodeRecord, hashEquals, sha256, toBigInt, toNumber, type BodyKind, type ChainReport } from '../../proto/index.js';
import { MissionSourceError, type MissionRecord, type OpenMissionOptions } from './mission.js';

/** Refuses a chain that does not verify, unless the caller allowed it. */
export function refuseUnverified(path: string, v: ChainReport, options: OpenMissionOptions): void {
  if (v.ok || options.allowUnverified) return;
  const more = v.problems.length > 1 ? ` (and ${v.problems.length - 1} more problem${v.problems.length > 2 ? 's' : ''})` : '';
  throw new MissionSourceError('UNVERIFIED', `${path}: the chain does not verify: FAILED at seq ${v.firstBadSeq}: ${v.problems[0].message}${more}. `
    + 'Refusing to replay unverified evidence; pass --allow-unverified to replay it anyway, marked as unverified.');
}

/** An error met while verifying: undecodable bytes mean an altered or corrupt file, anything else an unusable one. */
export function verifyFailure(path: string, err: unknown): MissionSourceError {
  const e = err as Error & { code?: string };
  return e.code === 'DECODE'
    ? new MissionSourceError('UNVERIFIED', `${path}: the chain does not verify: ${e.message} (altered or corrupt); nothing can be replayed from it`)
    : new MissionSourceError('UNSUPPORTED', `${path}: ${e.message}`);
}

/** Reads rows a page at a time (no statement stays open between pages) and yields their records' bytes. */
export function* pagedRecords<Row>(page: (after: number) => Row[], unpack: (row: Row) => { key: number; records: Uint8Array[] }): Generator<Uint8Array> {
  let after = -1;
  for (;;) {
    const rows = page(after);
    if (rows.length === 0) return;
    for (const row of rows) {
      const { key, records } = unpack(row);
      yield* records;
      after = key;
    }
  }
}

/**
 * Decodes records and checks that what is read now is what was verified: the same seq range, and every
 * adjacent pair still linked. A file changed between verification and reading (an agent acking, a
 * tamper) stops the replay with an error rather than replaying something else.
 */
export function* followChain(path: string, v: ChainReport, options: OpenMissionOptions, bytes: Iterable<Uint8Array>): Generator<MissionRecord> {
  const strict = v.ok && !options.allowUnverified;
  const changed = (what: string) => new MissionSourceError('CHANGED', `${path}: ${what} since it was verified; replay a copy or a stopped agent's outbox`);
  let prev: { seq: number; hash: Uint8Array } | undefined;
  for (const b of bytes) {
    const record = decodeRecord(b);
    const seq = toNumber(record.seq);
    if (v.lastSeq !== undefined && seq > v.lastSeq) break;
    if (strict) {
      if (!prev && seq !== v.firstSeq) throw changed(`the first record held is now seq ${seq}, not seq ${v.firstSeq}`);
      const hash = sha256(b);
      if (prev && seq === prev.seq + 1 && !hashEquals(record.prevHash, prev.hash)) throw changed(`seq ${seq} no longer links to seq ${prev.seq}`);
      prev = { seq, hash };
    } else prev = { seq, hash: new Uint8Array(0) };
    yield { seq, bytes: b, record, kind: (record.body ?? undefined) as BodyKind | undefined, timeUnixNs: toBigInt(record.timeUnixNs) };
  }
  if (strict && v.lastSeq !== undefined && prev?.seq !== v.lastSeq) throw changed(`the records end at seq ${prev?.seq ?? 'none'}, not seq ${v.lastSeq}`);
}

