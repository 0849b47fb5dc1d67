// Mission replay from a real recorded outbox: the source reader (verification, refusals, clear errors),
// the terminal timeline and its NDJSON events, pacing, and the CLI wiring through registerReplayCommands.
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportMcapCommand, registerReplayCommands, replayCommand, type ReplayOptions } from '../../bin/commands/sim-replay.js';
import { decodeRecord, encodeRecord, GENESIS_HASH, type Body } from '../../proto/index.js';
import {
  formatEvent, MissionSourceError, openMission, pacer, TimelineBuilder, type TimelineEvent,
} from '../../simulator/replay/index.js';
import { buildMission, DEVICE, type BuiltMission } from '../fixtures/replay/mission.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { collector } from './fixtures/io.js';

const tempDir = useTempDirs('fp-replay-');
let mission: BuiltMission;
beforeAll(async () => {
  mission = await buildMission(tempDir());
});

const defaults: ReplayOptions = { speed: 0, every: 5, protocolVersion: 4, drainTimeout: 5, logLevel: 'silent' };

describe('mission source', () => {
  it('opens an outbox read-only, verifies it and yields every record in seq order', () => {
    const m = openMission(mission.outbox);
    try {
      expect(m).toMatchObject({ source: 'outbox', deviceId: DEVICE, verification: { ok: true, records: 17, firstSeq: 1, lastSeq: 17 } });
      const records = [...m.records()];
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
      expect(records.map((r) => r.kind).slice(0, 4)).toEqual(['boot', 'conditions', 'health', 'decision']);
      expect(decodeRecord(records[8].bytes).decision?.verdict).toBe(2);
      expect(records[16].timeUnixNs).toBe(1_700_000_025_000_000_000n);
    } finally {
      m.close();
    }
  });

  it('says clearly what it cannot read: a missing file, and anything but an outbox or hub store', () => {
    expect(() => openMission(join(mission.dir, 'nope.db'))).toThrow(/nope\.db: no such file/);
    const packet = join(mission.dir, 'packet.zip');
    writeFileSync(packet, 'PK\x03\x04 not a database');
    expect(() => openMission(packet)).toThrow(/not an agent outbox or hub store.*evidence packets as a replay source come with the evidence packet step/);
    expect(() => openMission(mission.dir)).toThrow(MissionSourceError);
    const other = join(mission.dir, 'other.db');
    new Database(other).exec('CREATE TABLE t (x)').close();
    expect(() => openMission(other)).toThrow(/neither an agent outbox nor a hub store \(tables: t\)/);
  });

  it('refuses a tampered outbox naming the seq, and replays it only when allowed, marked unverified', () => {
    const tampered = join(tempDir(), 'tampered.db');
    copyFileSync(mission.outbox, tampered);
    const db = new Database(tampered);
    const row = db.prepare("SELECT first_seq, data FROM chunks WHERE instr(data, CAST('operator_note' AS BLOB)) > 0").get() as { first_seq: number; data: Buffer };
    db.prepare('UPDATE chunks SET data = ? WHERE first_seq = ?').run(Buffer.from(row.data.toString('latin1').replace('operator_note', 'operator_nute'), 'latin1'), row.first_seq);
    db.close();
    expect(() => openMission(tampered)).toThrow(/the chain does not verify: FAILED at seq 12: .*pass --allow-unverified/);
    const m = openMission(tampered, { allowUnverified: true });
    try {
      expect(m.verification).toMatchObject({ ok: false, firstBadSeq: 12 });
      expect([...m.records()].find((r) => r.seq === 12)?.record.marker?.kind).toBe('operator_nute');
    } finally {
      m.close();
    }
  });

  it('calls undecodable bytes what they are: altered or corrupt, with the exit code of a failed check', () => {
    const corrupt = join(tempDir(), 'corrupt.db');
    copyFileSync(mission.outbox, corrupt);
    const db = new Database(corrupt);
    db.prepare('UPDATE chunks SET data = ? WHERE first_seq = (SELECT MIN(first_seq) FROM chunks)').run(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]));
    db.close();
    expect(() => openMission(corrupt)).toThrow(expect.objectContaining({ code: 'UNVERIFIED', message: expect.stringMatching(/corrupt\.db: the chain does not verify: records seq 1\.\.\d+ cannot be decoded \(malformed segment: .*\): altered or corrupt/) }));
  });
});

describe('timeline', () => {
  it('prints one line per interesting record, in order, with ISO and mission-relative times', async () => {
    const io = collector();
    expect(await replayCommand(mission.outbox, defaults, io)).toBe(0);
    const expected = [
      /^mission of rover-7 from outbox .*outbox\.db: 17 records \(seq 1\.\.17\)$/,
      /^ {2}verified: every seal and link checked against the public key stored in the outbox itself/,
      /^2023-11-14T22:13:20\.000Z +\+0\.000s +#1 +boot +agent \S+, key [0-9a-f]{16}, FIELD mission m-42 \(ugv\)/,
      /^2023-11-14T22:13:20\.000Z +\+0\.000s +#2 +conditions dry · vis 5000 m · fog 0 · 20000 lx · vib 0\.8 m\/s² · occl 0\.05 · conf 0\.95$/,
      /#4 +GO +3 criteria pass · level medium, criteria orig-1, on demand$/,
      /\+5\.000s +#6 +conditions rain 4\.2 mm\/h · vis 800 m · fog 0\.1 · 300 lx .* conf 0\.9 \(2 records\)$/,
      /#7 +GO /,
      /#8 +conditions rain 1\.5 mm\/h · vis 150 m · fog 0\.8 · 60 lx/,
      /^2023-11-14T22:13:31\.000Z +\+11\.000s +#9 +NO-GO +min_lux 60 \(needs >= 100\), min_confidence 0\.62 \(needs >= 0\.7\) · level medium/,
      /#10 +handover +REQUESTED \(autonomy -> human\) by SYSTEM: no-go: min_lux, min_confidence \[id takeover-9-1, decision #9\]$/,
      /#11 +handover +ACCEPTED AUTO\.MISSION -> POSCTL \(autonomy -> human\) by OPERATOR: fog \[operator op-1, id takeover-9-1, decision #9\]$/,
      /#12 +marker +WARNING operator_note: switched to manual in fog \{site=north\}$/,
      /\+20\.000s +#13 +conditions dry · vis 5000 m · fog 0 · 5000 lx/,
      /#14 +GO /,
      /#15 +handover +REQUESTED POSCTL -> AUTO\.MISSION \(human -> autonomy\) by OPERATOR: fog cleared/,
      /#16 +handover +ACCEPTED POSCTL -> AUTO\.MISSION/,
      /\+25\.000s +#17 +conditions .* 5200 lx/,
      /^17 records \(seq 1\.\.17\) over 25\.0 s: 6 conditions, 4 decisions \(3 GO, 1 NO-GO\), 4 handovers, 1 marker, 1 health, 0 gaps, 1 boot$/,
    ];
    expect(io.lines).toHaveLength(expected.length);
    io.lines.forEach((line, i) => expect(line).toMatch(expected[i]));
    expect(io.lines.join('\n')).not.toMatch(/#5 |#3 /); // unchanged conditions and health make no line
    expect(io.lines.join('\n')).not.toContain('\x1b['); // no colour off a terminal
  });

  it('--json prints NDJSON: the mission, one event per line, the summary', async () => {
    const io = collector();
    await replayCommand(mission.outbox, { ...defaults, json: true }, io);
    const events = io.lines.map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'mission', device_id: DEVICE, verification: { ok: true, first_seq: 1, last_seq: 17 } });
    expect(events.slice(1, -1).map((e) => `${e.type}#${e.seq}`)).toEqual([
      'boot#1', 'conditions#2', 'decision#4', 'conditions#6', 'decision#7', 'conditions#8', 'decision#9', 'handover#10', 'handover#11',
      'marker#12', 'conditions#13', 'decision#14', 'handover#15', 'handover#16', 'conditions#17',
    ]);
    expect(events[7]).toMatchObject({
      type: 'decision', verdict: 'NO_GO', time: '2023-11-14T22:13:31.000Z', time_unix_ns: '1700000011000000000', t: 11, failing: ['min_lux', 'min_confidence'],
      criteria: [
        { name: 'min_lux', value: 60, comparator: '>=', threshold: 100, pass: false },
        { name: 'min_confidence', value: 0.62, comparator: '>=', threshold: 0.7, pass: false },
        { name: 'max_vibration_rms', value: 0.8, comparator: '<=', threshold: 5, pass: true },
      ],
    });
    expect(events[8]).toMatchObject({ type: 'handover', phase: 'REQUESTED', from_authority: 'AUTONOMY', to_authority: 'HUMAN', initiator: 'SYSTEM', decision_seq: 9 });
    expect(events.at(-1)).toMatchObject({ type: 'summary', records: 17, first_seq: 1, last_seq: 17, duration_s: 25, decisions: { go: 3, no_go: 1 } });
  });

  it('--every 0 shows every change of conditions, and colours appear only when asked', async () => {
    const io = { ...collector(), color: true };
    await replayCommand(mission.outbox, { ...defaults, every: 0 }, io);
    expect(io.lines.filter((l) => /#\d+/.test(l) && l.includes('conditions')).length).toBe(5); // seq 5 repeats seq 2
    expect(io.lines.find((l) => l.includes('NO-GO'))).toContain('\x1b[31mNO-GO');
  });

  it('names gaps, key rotations and markers from any record, and holds conditions to one line per N seconds', () => {
    const t = new TimelineBuilder({ everyS: 10 });
    const rec = (seq: number, s: number, body: Body) => ({
      seq, timeUnixNs: BigInt(s) * 1_000_000_000n,
      record: decodeRecord(encodeRecord({ deviceId: 'd', seq, timeUnixNs: BigInt(s) * 1_000_000_000n, monoNs: 1n, prevHash: GENESIS_HASH }, body)),
    });
    const events: TimelineEvent[] = [
      ...t.push(rec(1, 100, { conditions: { lighting: { lux: 1000 } } })),
      ...t.push(rec(2, 103, { conditions: { lighting: { lux: 50 } } })), // held back: 3 s after the last line
      ...t.push(rec(3, 104, { gap: { firstSeq: 10, lastSeq: 19, reason: 1, bytesLost: 4096, detail: 'outbox quota' } })),
      ...t.push(rec(4, 105, { keyRotation: { oldKeyId: 'aaaa', newKeyId: 'bbbb', reason: 'scheduled' } })),
      ...t.push(rec(5, 106, { conditions: { lighting: { lux: 51 } } })),
      ...t.finish().events,
    ];
    expect(events.map((e) => `${e.type}#${e.seq}`)).toEqual(['conditions#1', 'conditions#2', 'gap#3', 'key_rotation#4', 'conditions#5']);
    const lines = events.map((e) => formatEvent(e));
    expect(lines[1]).toMatch(/\+3\.000s +#2 +conditions 50 lx$/);
    expect(lines[2]).toMatch(/gap +seq 10\.\.19 missing: QUOTA_EVICTION, 4096 bytes \(outbox quota\)$/);
    expect(lines[3]).toMatch(/key +rotated aaaa -> bbbb: scheduled$/);
  });
});

describe('pacing', () => {
  it('sleeps on an absolute schedule scaled by the speed; speed 0 never sleeps', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock = { nowMs: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; } };
    const p = pacer(10, clock);
    for (const s of [0, 1, 3, 3, 2.5, 13]) {
      await p.wait(BigInt(Math.round(s * 1e9)));
      now += 20; // work done per record
    }
    // due at 0, 100, 300, 300, 300 (an earlier stamp is due at once), 1300 ms
    expect(sleeps).toEqual([80, 180, 940]);
    const fast = pacer(0, clock);
    await fast.wait(0n);
    await fast.wait(60_000_000_000n);
    expect(sleeps).toHaveLength(3);
    expect(() => pacer(-1)).toThrow(/speed: expected a number >= 0/);
  });

  it('--speed replays in scaled real time', async () => {
    const started = Date.now();
    await replayCommand(mission.outbox, { ...defaults, speed: 25 }, collector()); // 25 s of mission at 25x
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('CLI wiring', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  async function run(...args: string[]): Promise<{ out: string; err: string; code: number | undefined }> {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out += String(chunk); return true; });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err += String(chunk); return true; });
    const sim = new Command('sim').exitOverride();
    registerReplayCommands(sim);
    await sim.parseAsync(args, { from: 'user' });
    const code = process.exitCode as number | undefined;
    vi.restoreAllMocks();
    return { out, err, code };
  }

  it('adds replay and export-mcap to the sim command', async () => {
    const r = await run('replay', mission.outbox, '--json', '--every', '0');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').map((l) => JSON.parse(l).type)).toContain('handover');
    const out = join(tempDir(), 'm.mcap');
    expect((await run('export-mcap', mission.outbox, out)).out).toMatch(/^wrote .*m\.mcap \(\d+ bytes\): 17 messages from rover-7/);
    expect(await run('export-mcap', mission.outbox, out)).toMatchObject({ code: 2, err: expect.stringMatching(/already exists: pass --force/) });
  });

  it('rejects options that do not go together, and unverified input, with exit codes', async () => {
    expect(await run('replay', mission.outbox, '--register', 'hub.db')).toMatchObject({ code: 2, err: 'fieldproof: --register only applies with --to-hub\n' });
    expect(await run('replay', mission.outbox, '--criteria', 'x.yaml', '--to-hub', 'mqtt://127.0.0.1:1')).toMatchObject({ code: 2, err: expect.stringMatching(/pick one/) });
    expect((await run('replay', join(mission.dir, 'missing.db'))).code).toBe(2);
    const tampered = join(tempDir(), 't.db');
    copyFileSync(mission.outbox, tampered);
    const db = new Database(tampered);
    db.prepare("UPDATE chunks SET data = CAST(replace(CAST(data AS TEXT), 'back-1', 'back-2') AS BLOB) WHERE instr(data, CAST('back-1' AS BLOB)) > 0").run();
    db.close();
    expect(await run('replay', tampered)).toMatchObject({ code: 1, err: expect.stringMatching(/FAILED at seq 15/) });
    await expect(exportMcapCommand(tampered, join(tempDir(), 'x.mcap'), {}, collector())).rejects.toThrow(/FAILED at seq 15/);
  });
});
