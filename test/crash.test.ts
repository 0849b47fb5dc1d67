// SIGKILL of a real child process in the middle of appending: every seq it reported committed is still there,
// the chain verifies (an unsealed tail allowed), and a restart continues at head + 1. Bulk-only and mixed streams.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { Outbox, verifyOutbox } from '../agent/outbox/index.js';
import { bulkBody } from './helpers/bodies.js';
import { testKey } from './helpers/keys.js';
import { DEVICE, heldRecords } from './helpers/outbox.js';
import { useTempDirs } from './helpers/temp-dir.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/append-loop.ts', import.meta.url));
const tempDir = useTempDirs();
// Child processes on a possibly busy machine: generous time, no timing asserted.
vi.setConfig({ testTimeout: 120_000 });

/** Runs the append loop until it has reported `lines` committed seqs, then SIGKILLs it; returns every seq it printed. */
function appendUntilKilled(path: string, mode: 'bulk' | 'mixed', lines: number): Promise<{ seqs: number[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, path, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!killed && out.split('\n').length > lines) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (!killed) return reject(new Error(`append loop exited by itself (code ${code}): ${err}`));
      // A line cut off by the kill was never fully reported; every whole line was.
      const whole = out.slice(0, out.lastIndexOf('\n') + 1);
      resolve({ seqs: whole.split('\n').filter(Boolean).map(Number), signal });
    });
  });
}

async function checkAfterCrash(path: string, printed: number[]): Promise<number> {
  const outbox = Outbox.open({ path, deviceId: DEVICE, key: await testKey(1), sealTimer: false });
  try {
    const head = outbox.headSeq();
    const held = heldRecords(outbox.database).map((r) => r.seq);
    expect(held).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(Math.max(...printed)).toBeLessThanOrEqual(head);
    const heldSet = new Set(held);
    expect(printed.filter((s) => !heldSet.has(s))).toEqual([]);
    const report = verifyOutbox(outbox.database);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, firstSeq: 1, lastSeq: head });
    return head;
  } finally {
    outbox.close();
  }
}

describe.concurrent.each(['bulk', 'mixed'] as const)('SIGKILL mid-append, %s stream', (mode) => {
  it('keeps every reported seq, verifies, and continues at head + 1 across two crashes', async () => {
    const path = join(tempDir(), 'outbox.db');
    const printed: number[] = [];

    const first = await appendUntilKilled(path, mode, 400);
    expect(first.signal).toBe('SIGKILL');
    expect(first.seqs.length).toBeGreaterThanOrEqual(400);
    printed.push(...first.seqs);
    const head1 = await checkAfterCrash(path, printed);

    // A second run on the same file picks up where the killed one left, and is killed in turn.
    const second = await appendUntilKilled(path, mode, 300);
    expect(Math.min(...second.seqs)).toBe(head1 + 1);
    printed.push(...second.seqs);
    expect(new Set(printed).size).toBe(printed.length);
    const head2 = await checkAfterCrash(path, printed);

    // A normal restart continues at head + 1, linked to the last record, and seals what was left open.
    const outbox = Outbox.open({ path, deviceId: DEVICE, key: await testKey(1), sealTimer: true });
    try {
      expect((await outbox.append(bulkBody(0))).seq).toBe(head2 + 1);
      outbox.sealIfDue(true);
      expect(verifyOutbox(outbox.database)).toMatchObject({ ok: true, lastSeq: head2 + 1, unsealed: 0 });
    } finally {
      outbox.close();
    }
  });
});
