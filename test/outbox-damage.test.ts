// A damaged outbox under real agent processes (SIGKILLed, then started again): 16 bytes changed in the middle of
// outbox.db, and outbox.db-wal cut in half. `fieldproof verify` names the damage; the next start moves the file
// aside, rebuilds what verifies, names the loss in signed Gap records and never reuses a seq. A plain crash is not damage.
import Database from 'better-sqlite3';
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openOutboxDatabase } from '../agent/outbox/database.js';
import { inspectWalFile } from '../agent/outbox/wal-check.js';
import { toHex, toNumber } from '../proto/index.js';
import { embeddedBroker } from './helpers/brokers.js';
import { AGENT_CHILD, CLI, E2eWorld, type Child, type Device } from './helpers/e2e-world.js';
import { heldRecords, type HeldRecord } from './helpers/outbox.js';
import { reservePort } from './helpers/tcp-proxy.js';

// Child processes (seconds of module loading each) on a shared machine: generous time, no timing asserted.
vi.setConfig({ testTimeout: 180_000 });
const world = new E2eWorld(embeddedBroker());
afterAll(() => world.close());
const FRAME = 24 + 4096;

interface Setup { device: Device; config: string; outbox: string; dir: string }

/** An agent config whose broker never answers (the hub is away): records only pile up in the outbox. */
async function setup(name: string): Promise<Setup> {
  const device = await world.device(name);
  const dir = join(world.dir, device.deviceId);
  const outbox = join(dir, 'outbox.db');
  const config = world.writeAgentConfig({ device, brokerUrl: `mqtt://127.0.0.1:${await reservePort()}`, outboxPath: outbox, sealMaxRecords: 50 });
  return { device, config, outbox, dir };
}

/** Starts test/helpers/agent-child.ts; resolves once it has printed `lines` committed seqs, then SIGKILLs it. */
async function runUntilKilled(s: Setup, lines: number): Promise<{ boot: number; seqs: number[] }> {
  const child = world.spawnTs(AGENT_CHILD, [s.config, 'forever']);
  await child.waitForLine(`${lines} committed seqs`, () => child.lines.filter((l) => l.startsWith('seq ')).length >= lines);
  child.process.kill('SIGKILL');
  await child.exited;
  return parse(child);
}

/** Starts the agent child for `count` records and waits until it has captured them, then SIGKILLs it. */
async function runCount(s: Setup, count: number): Promise<{ boot: number; seqs: number[] }> {
  const child = world.spawnTs(AGENT_CHILD, [s.config, String(count)]);
  await child.waitForLine('the child to capture its records', (l) => l.startsWith('captured '));
  child.process.kill('SIGKILL');
  await child.exited;
  return parse(child);
}

function parse(child: Child): { boot: number; seqs: number[] } {
  const boot = child.lines.find((l) => l.startsWith('boot '));
  if (!boot) throw new Error(`agent child never started: ${child.stderr().slice(-2000)}`);
  return { boot: Number(boot.slice(5)), seqs: child.lines.filter((l) => l.startsWith('seq ')).map((l) => Number(l.slice(4))) };
}

async function verifyCli(file: string): Promise<{ code: number | null; stdout: string }> {
  const child = world.spawnTs(CLI, ['verify', file]);
  const code = await child.exited;
  return { code, stdout: child.lines.join('\n') };
}

function held(file: string): HeldRecord[] {
  const db = openOutboxDatabase(file, { readonly: true });
  try {
    return heldRecords(db);
  } finally {
    db.close();
  }
}

function quarantined(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('outbox.db.damaged-')).sort();
}

describe('a damaged outbox at the next start', () => {
  it('16 bytes changed in the middle of outbox.db: verify names the seq; the agent rebuilds around it and goes on', async () => {
    const s = await setup('dmg-db');
    const first = await runCount(s, 2000);
    // The agent is gone; what it left is folded into the one file, which then rots on the disk.
    new Database(s.outbox).close();
    const before = held(s.outbox);
    const bytes = readFileSync(s.outbox);
    const middle = bytes.length / 2;
    // The record whose bytes lie nearest the middle of the file: 16 bytes inside it are overwritten.
    const target = before
      .map((r) => ({ r, at: bytes.indexOf(Buffer.from(r.bytes)) }))
      .filter((x) => x.at >= 0)
      .sort((a, b) => Math.abs(a.at - middle) - Math.abs(b.at - middle))[0];
    expect(target, 'a record stored whole in one page near the middle').toBeDefined();
    const fd = openSync(s.outbox, 'r+');
    writeSync(fd, Buffer.alloc(16, 0xa5), 0, 16, target.at + 4);
    closeSync(fd);

    const verified = await verifyCli(s.outbox);
    expect(verified.code).toBe(1);
    const failedAt = Number(/^FAILED at seq (\d+):/m.exec(verified.stdout)?.[1]);
    expect(failedAt).toBeGreaterThan(0);
    expect(failedAt).toBeLessThanOrEqual(target.r.seq);

    const second = await runCount(s, 20);
    const [damaged] = quarantined(s.dir);
    expect(damaged, 'the damaged file moved aside').toMatch(/^outbox\.db\.damaged-\d{8}T\d{6}Z$/);
    // Kept for the record: it still fails verification at the same seq.
    const old = await verifyCli(join(s.dir, damaged));
    expect(old.code).toBe(1);
    expect(old.stdout).toContain(`FAILED at seq ${failedAt}:`);

    const now = await verifyCli(s.outbox);
    expect(now.stdout).toContain('OK: every seal verifies, every link holds, every missing seq is accounted for');
    expect(now.code).toBe(0);

    const after = held(s.outbox);
    const gaps = after.filter((r) => r.record.gap).map((r) => r.record.gap!);
    expect(gaps).toHaveLength(1);
    const lost = { first: toNumber(gaps[0].firstSeq), last: toNumber(gaps[0].lastSeq) };
    expect(gaps[0].reason).toBe(3); // OUTBOX_DAMAGED
    expect(gaps[0].detail).toContain(damaged);
    expect(lost.first).toBeLessThanOrEqual(target.r.seq);
    expect(lost.last).toBeGreaterThanOrEqual(target.r.seq);
    expect(lost.last - lost.first).toBeLessThan(100); // one segment's worth (50 records), not the whole file
    // Every other record is kept byte for byte, to be sent again; the chain goes on after the old head.
    const afterBySeq = new Map(after.map((r) => [r.seq, toHex(r.bytes)]));
    for (const r of before) {
      if (r.seq >= lost.first && r.seq <= lost.last) expect(afterBySeq.has(r.seq)).toBe(false);
      else expect(afterBySeq.get(r.seq), `seq ${r.seq}`).toBe(toHex(r.bytes));
    }
    const oldHead = Math.max(...first.seqs);
    expect(second.boot).toBeGreaterThan(oldHead);
    expect(Math.min(...second.seqs)).toBeGreaterThan(oldHead);
  });

  it('outbox.db-wal cut in half: committed records vanish, verify says so, and the agent never reuses their seqs', async () => {
    const s = await setup('dmg-wal');
    const first = await runUntilKilled(s, 3000);
    const wal = `${s.outbox}-wal`;
    const report = inspectWalFile(wal)!;
    expect(report.validFrames, 'the kill left committed frames in the WAL').toBeGreaterThanOrEqual(4);
    // Cut in the middle of what the WAL holds now, inside a frame.
    truncateSync(wal, 32 + Math.floor(report.validFrames / 2) * FRAME + 1000);

    const verified = await verifyCli(s.outbox);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/^FAILED: .*outbox\.db-wal: the WAL ends mid-frame/m);
    // What SQLite alone would make of it: an older head, so the last confirmed seqs would be issued again.
    const survivingHead = Math.max(0, ...held(s.outbox).map((r) => r.seq));
    const printedMax = Math.max(...first.seqs);
    expect(survivingHead).toBeLessThan(printedMax);

    const second = await runCount(s, 20);
    expect(quarantined(s.dir).some((f) => f.endsWith('-wal'))).toBe(true);
    expect(second.boot).toBeGreaterThan(printedMax);
    expect(Math.min(...second.seqs)).toBeGreaterThan(printedMax);
    const gaps = held(s.outbox).filter((r) => r.record.gap).map((r) => r.record.gap!);
    expect(gaps.map((g) => [toNumber(g.firstSeq) <= survivingHead + 1, toNumber(g.lastSeq) >= printedMax, g.reason])).toEqual([[true, true, 3]]);
    const now = await verifyCli(s.outbox);
    expect(now.stdout).toContain('OK:');
    expect(now.code).toBe(0);
  });

  it('a plain SIGKILL is not damage: nothing moved aside, the next start continues at head + 1', async () => {
    const s = await setup('crash');
    const first = await runUntilKilled(s, 1500);
    const head = Math.max(0, ...held(s.outbox).map((r) => r.seq));
    expect(head).toBeGreaterThanOrEqual(Math.max(...first.seqs));
    const second = await runCount(s, 10);
    expect(quarantined(s.dir)).toEqual([]);
    expect(second.boot).toBe(head + 1);
    // The SIGKILLed child's lock stays behind, naming a process that is gone: stale, and taken over at the next start.
    expect(lstatSync(`${s.outbox}.lock`).isSymbolicLink()).toBe(true);
  });
});
