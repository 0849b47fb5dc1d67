// The fieldproof CLI as a child process: keygen (0600 key, key id, no silent overwrite), capture and
// outbox --json, clear exit-2 errors for bad input, capture beside another process appending to the same outbox,
// and the agent daemon running with nothing to do but seal until SIGTERM.
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openOutboxDatabase } from '../agent/outbox/database.js';
import { Outbox, outboxStats, verifyOutbox, type Appended } from '../agent/outbox/index.js';
import { keyIdOf, toNumber } from '../proto/index.js';
import { readDeviceKey, readPublicKey } from '../proto/node.js';
import { bulkBody } from './helpers/bodies.js';
import { CLI, ROOT, runCli } from './helpers/cli.js';
import { testKey, writeTestKey } from './helpers/keys.js';
import { DEVICE, heldRecords } from './helpers/outbox.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
// Each test spawns the CLI (about 5 s of module loading per run on a busy 2-core machine): generous time, no timing asserted.
vi.setConfig({ testTimeout: 120_000 });

/** A folder with keys/device.key and agent.yaml (relative paths), as an operator would set it up. */
async function agentDir(): Promise<{ dir: string; config: string; outboxPath: string }> {
  const dir = tempDir();
  await writeTestKey(join(dir, 'keys'), await testKey(1));
  const config = join(dir, 'agent.yaml');
  writeFileSync(config, `device_id: ${DEVICE}\nkey_file: keys/device.key\noutbox:\n  path: data/outbox.db\nseal:\n  max_records: 100\n`);
  return { dir, config, outboxPath: join(dir, 'data', 'outbox.db') };
}

function stats(path: string) {
  const db = openOutboxDatabase(path, { readonly: true });
  try {
    return outboxStats(db);
  } finally {
    db.close();
  }
}

describe('fieldproof keygen', () => {
  it('writes device.key (0600) and device.pub, prints the 16-hex key id, and refuses to overwrite without --force', async () => {
    const out = join(tempDir(), 'keys', 'ugv-07');
    const first = await runCli(['keygen', '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const keyId = /^key id ([0-9a-f]{16})$/m.exec(first.stdout)?.[1];
    expect(keyId).toBeDefined();
    const keyFile = join(out, 'device.key');
    const pubFile = join(out, 'device.pub');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(pubFile, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(keyIdOf(readPublicKey(pubFile))).toBe(keyId);
    expect((await readDeviceKey(keyFile)).keyId).toBe(keyId);
    const keyPem = readFileSync(keyFile, 'utf8');

    const again = await runCli(['keygen', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`fieldproof: ${keyFile} already exists: refusing to overwrite a key (pass --force to replace it, and re-register its public key)\n`);
    expect(readFileSync(keyFile, 'utf8')).toBe(keyPem);

    const forced = await runCli(['keygen', '--out', out, '--force', '--json']);
    expect(forced.code).toBe(0);
    const json = JSON.parse(forced.stdout) as { keyId: string; keyFile: string; pubFile: string };
    expect(json).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), keyFile, pubFile });
    expect(json.keyId).not.toBe(keyId);
    expect(keyIdOf(readPublicKey(pubFile))).toBe(json.keyId);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });
});

describe('fieldproof capture and outbox', () => {
  it.concurrent.each([
    ['an unknown kind', ['weather', '{}'], 'fieldproof: unknown record kind "weather": expected one of boot, conditions, handover'],
    ['malformed JSON', ['conditions', '{"lighting": {lux: 3}}'], 'fieldproof: JSON body: '],
  ])('refuses %s with exit 2 and a clear message, appending nothing', async (_what, args, message) => {
    const { config, outboxPath } = await agentDir();
    const result = await runCli(['capture', '-c', config, ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(message), result.stderr).toBe(true);
    expect(() => statSync(outboxPath)).toThrow(/ENOENT/);
  });

  it('captures while another process holds the outbox open and appends: one valid chain, counted by `outbox --json`', async () => {
    const { config, outboxPath } = await agentDir();
    const outbox = Outbox.open({ path: outboxPath, deviceId: DEVICE, key: await testKey(1), sealMaxRecords: 50, sealMaxAgeMs: 20, sealTimer: true });
    const ours: Appended[] = [];
    let capturing = true;
    const appending = (async () => {
      let i = 0;
      while (capturing) {
        ours.push(...(await Promise.all(Array.from({ length: 5 }, () => outbox.append(bulkBody(i++))))));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    let captured: { conditions: number; handover: number };
    try {
      const [bulk, handover] = await Promise.all([
        runCli(['capture', '-c', config, 'conditions', '{"weather":{"precipitation":"RAIN","precipitation_mm_h":4.2},"lighting":{"lux":300}}', '--json']),
        runCli(['capture', '-c', config, 'handover', '-'], {
          input: '{"from_mode":"AUTO.MISSION","to_mode":"POSCTL","initiator":"OPERATOR","phase":"ACCEPTED","reason":"fog"}',
        }),
      ]);
      capturing = false;
      await appending;
      ours.push(await outbox.append(bulkBody(-1)));

      expect(bulk.stderr).toBe('');
      expect(bulk.code).toBe(0);
      const bulkJson = JSON.parse(bulk.stdout) as { seq: number };
      expect(bulkJson).toEqual({ deviceId: DEVICE, seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/), priority: 'bulk' });
      expect(handover.stderr).toBe('');
      expect(handover.code).toBe(0);
      const handoverSeq = Number(/^committed handover as seq (\d+) \(critical\) in (.+)\n$/.exec(handover.stdout)?.[1]);
      expect(handover.stdout).toBe(`committed handover as seq ${handoverSeq} (critical) in ${outboxPath}\n`);
      captured = { conditions: bulkJson.seq, handover: handoverSeq };

      const theirs = [captured.conditions, captured.handover];
      const all = [...ours.map((a) => a.seq), ...theirs].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      expect(Math.min(...ours.map((a) => a.seq))).toBeLessThan(Math.min(...theirs));
      expect(Math.max(...ours.map((a) => a.seq))).toBeGreaterThan(Math.max(...theirs));

      const held = heldRecords(outbox.database);
      expect(held.map((r) => r.seq)).toEqual(all);
      expect(held[captured.conditions - 1].record.conditions?.weather?.precipitation).toBe(2);
      expect(held[captured.handover - 1].record.handover?.toMode).toBe('POSCTL');
      expect(held.filter((r) => r.record.handover).map((r) => toNumber(r.record.seq))).toEqual([captured.handover]);
      const report = verifyOutbox(outbox.database);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, firstSeq: 1, lastSeq: all.length });
    } finally {
      capturing = false;
      await appending.catch(() => undefined);
      outbox.close();
    }

    const counts = await runCli(['outbox', '-c', config, '--json']);
    expect(counts.stderr).toBe('');
    expect(counts.code).toBe(0);
    const reported = JSON.parse(counts.stdout) as Record<string, unknown>;
    expect(reported).toEqual({ ...stats(outboxPath), receipts: [] });
    expect(reported).toMatchObject({ deviceId: DEVICE, records: ours.length + 2, headSeq: ours.length + 2, ackedSeq: 0, evictedTotal: 0 });
    expect(reported.criticalPending).toBeGreaterThanOrEqual(1);
  });
});

describe('fieldproof agent', () => {
  it('runs as an offline recorder (no sources, no uplink) until SIGTERM, sealing what `capture` appends meanwhile', async () => {
    const { config, outboxPath } = await agentDir();
    writeFileSync(config, `device_id: ${DEVICE}\nkey_file: keys/device.key\noutbox:\n  path: data/outbox.db\nseal:\n  max_age_ms: 100\nuplink:\n  enabled: false\n`);
    const agent = spawn(process.execPath, ['--import', 'tsx', CLI, 'agent', '-c', config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<number | null>((resolve) => agent.once('exit', (code) => resolve(code)));
    agent.stdout.setEncoding('utf8').on('data', (d: string) => { output += d; });
    agent.stderr.setEncoding('utf8').on('data', (d: string) => { output += d; });
    try {
      await vi.waitFor(() => {
        if (agent.exitCode !== null) throw new Error(`agent exited with ${agent.exitCode}: ${output}`);
        expect(output).toContain('"msg":"agent started"');
      }, { timeout: 60_000, interval: 50 });
      const captured = await runCli(['capture', '-c', config, 'marker', '{"kind":"note","text":"while the agent runs"}']);
      expect(captured.code, captured.stderr).toBe(0);
      // The agent's seal timer closes the segment the capture left open: the process is still there to do it.
      await vi.waitFor(() => expect(stats(outboxPath)).toMatchObject({ records: 2, sealed: 2, unsealed: 0 }), { timeout: 10_000, interval: 50 });
      expect(agent.exitCode).toBeNull();
    } finally {
      agent.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"agent stopped"');
  });
});
