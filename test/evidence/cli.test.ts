// `fieldproof export` and `fieldproof verify PACKET` through the real CLI: exit codes, the readable verdict, JSON,
// a pinned hub key, --extends, a tampered packet, and usage errors; an outbox database still verifies as before.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeKeyFiles } from '../../proto/node.js';
import type { PacketVerdict } from '../../proto/packet/index.js';
import { runCli } from '../helpers/cli.js';
import { testKey } from '../helpers/keys.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { hubKey, more, world, type World } from './evidence-world.js';
import { file, readPacket, writePacket } from './packet-surgery.js';

const tempDir = useTempDirs('fieldproof-evidence-cli-');
let dir: string;
let w: World;
let keys: { keyFile: string; pubFile: string };
let other: { keyFile: string; pubFile: string };

beforeAll(async () => {
  dir = tempDir();
  w = await world(dir, 60);
  keys = await writeKeyFiles(join(dir, 'keys'), await hubKey(), true, 'hub');
  other = await writeKeyFiles(join(dir, 'keys'), await testKey(0x70), true, 'other');
});
afterAll(async () => {
  await w.store.close();
});

describe('fieldproof export / verify PACKET', () => {
  it('exports a packet and verifies it, pinned and not, readable and as JSON', async () => {
    const out = join(dir, 'p.tar');
    const e = await runCli(['export', '--store', w.path, '--out', out, '--key', keys.keyFile]);
    expect(e.stderr).toBe('');
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/p\.tar: 2 device\(s\), 108 records, .* signed by hub key [0-9a-f]{16}/);
    expect(e.stdout).toMatch(/field-1: seq 1\.\.60, 54 records in \d+ segments, hub checkpoint at seq 60/);

    const v = await runCli(['verify', out]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/hub key not pinned/);
    expect(v.stdout).toMatch(/device field-1: OK\n {2}proven: seq 1\.\.60/);
    expect(v.stdout).toMatch(/missing: seq 37\.\.42: not in the packet, explained by signed claims: QUOTA_EVICTION/);
    expect(v.stdout).toMatch(/OK: every check holds \(hub key not pinned\)\n$/);

    const pinned = await runCli(['verify', out, '--hub-pubkey', keys.pubFile, '--json']);
    expect(pinned.code).toBe(0);
    const verdict = JSON.parse(pinned.stdout) as PacketVerdict;
    expect(verdict).toMatchObject({ ok: true, hub: { pinned: true, signature: 'verified' } });

    const wrong = await runCli(['verify', out, '--hub-pubkey', other.pubFile]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/FAILED \[HUB_KEY\] manifest\.json: the manifest names hub key [0-9a-f]{16}, not the pinned key/);
  });

  it('names a tampered file, device and seq, and exits 1', async () => {
    const out = join(dir, 'p2.tar');
    expect((await runCli(['export', '--store', w.path, '--out', out, '--key', keys.keyFile, '--device', 'sim-1'])).code).toBe(0);
    const p = await readPacket(out);
    const part = file(p, 'devices/0001/segments-000001.bin');
    part.bytes[part.bytes.length - 3] ^= 0x40;
    const bad = join(dir, 'p2-bad.tar');
    await writePacket(bad, p);
    const v = await runCli(['verify', bad]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/device sim-1: FAILED/);
    expect(v.stdout).toMatch(/FAILED \[FILE_HASH\] devices\/0001\/segments-000001\.bin/);
    expect(v.stdout).toMatch(/FAILED \[BAD_SEAL\] devices\/0001\/segments-000001\.bin, device sim-1, seq 59: seal over seq 59\.\.60 does not verify/);
  });

  it('--extends: a later packet of the same store extends the earlier one', async () => {
    const first = join(dir, 'e1.tar');
    const second = join(dir, 'e2.tar');
    expect((await runCli(['export', '--store', w.path, '--out', first, '--key', keys.keyFile])).code).toBe(0);
    await more(w, 'field-1', 12);
    expect((await runCli(['export', '--store', w.path, '--out', second, '--key', keys.keyFile])).code).toBe(0);
    const v = await runCli(['verify', second, '--extends', first, '--hub-pubkey', keys.pubFile]);
    expect(v.stdout).toMatch(/extends the packet of .*: yes\n {2}field-1: extends: same record at seq 60 .* continues to seq 72/);
    expect(v.code).toBe(0);
    const back = await runCli(['verify', first, '--extends', second]);
    expect(back.code).toBe(1);
  });

  it('usage errors exit 2 with one line', async () => {
    const noKey = await runCli(['export', '--store', w.path, '--out', join(dir, 'x.tar')]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^fieldproof: --key: the hub's private key is needed/);
    const unknown = await runCli(['export', '--store', w.path, '--out', join(dir, 'x.tar'), '--key', keys.keyFile, '--device', 'ghost']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('fieldproof: --device: "ghost" not registered at this hub (see `fieldproof hub devices list`)\n');
    const badTime = await runCli(['export', '--store', w.path, '--out', join(dir, 'x.tar'), '--key', keys.keyFile, '--since', 'yesterday']);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--since: expected an ISO 8601 time/);
    const notPacket = await runCli(['verify', w.path, '--extends', w.path]);
    expect(notPacket.code).toBe(2);
  });
});
