// The hub's CLI as an operator uses it, each command a real process: the device registry round trip
// (add, list, revoke) on a store file, and the hub daemon with its embedded broker stopping cleanly on SIGTERM.
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../hub/index.js';
import { embeddedBroker } from '../helpers/brokers.js';
import { CLI, E2eWorld, type Child } from '../helpers/e2e-world.js';

const world = new E2eWorld(embeddedBroker());
afterAll(() => world.close());

async function run(args: string[]): Promise<{ code: number | null; stdout: string; child: Child }> {
  const child = world.spawnTs(CLI, args);
  const code = await child.exited;
  return { code, stdout: child.lines.join('\n'), child };
}

interface Listed { deviceId: string; label: string; revokedMs: number | null; keys: { keyId: string; revoked: boolean }[] }

it('fieldproof hub devices add, list and revoke round-trip through the store file', { timeout: 60_000 }, async () => {
  const device = await world.device('cli');
  const store = join(world.dir, 'registry.db');

  const added = await run(['hub', 'devices', 'add', device.deviceId, '--pubkey', device.pubFile, '--label', 'north field', '--store', store]);
  expect(added.code, added.child.stderr()).toBe(0);
  expect(added.stdout).toContain(`added device ${device.deviceId}: key ${device.key.keyId} registered`);

  const listed = await run(['hub', 'devices', 'list', '--store', store, '--json']);
  expect(listed.code, listed.child.stderr()).toBe(0);
  expect(JSON.parse(listed.stdout) as Listed[]).toEqual([
    expect.objectContaining({ deviceId: device.deviceId, label: 'north field', revokedMs: null, keys: [{ keyId: device.key.keyId, revoked: false }] }),
  ]);

  const revoked = await run(['hub', 'devices', 'revoke', device.deviceId, '--store', store]);
  expect(revoked.code, revoked.child.stderr()).toBe(0);
  expect(revoked.stdout).toContain(`revoked ${device.deviceId}`);

  // What a later list would show, read from the same file in-process (each CLI start costs seconds).
  const registry = await openStore({ driver: 'sqlite', path: store });
  try {
    const [row] = await registry.listDevices();
    expect(row.revokedMs).toEqual(expect.any(Number));
    expect(row.keys.map((k) => [k.keyId, k.revokedMs !== null])).toEqual([[device.key.keyId, true]]);
    expect(await registry.trustedKeys(device.deviceId)).toEqual([]);
  } finally {
    await registry.close();
  }
});

it('fieldproof hub --embedded-broker --port 0 serves MQTT and exits 0 on SIGTERM', { timeout: 60_000 }, async () => {
  const store = join(world.dir, 'daemon.db');
  const hub = world.spawnTs(CLI, ['hub', '--embedded-broker', '--port', '0', '--store', store, '--key', world.hubKey.keyFile]);
  const listening = await hub.waitForLine('the embedded broker to listen', (l) => l.includes('embedded broker listening'));
  await hub.waitForLine('the hub to start', (l) => l.includes('"hub started"'));
  const url = (JSON.parse(listening) as { url: string }).url;
  expect(url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
  expect(url).not.toBe('mqtt://127.0.0.1:1883');

  const client = await world.rawClient(url); // the broker really serves on the port it chose
  expect(client.connected).toBe(true);

  hub.process.kill('SIGTERM');
  expect(await hub.exited, hub.stderr()).toBe(0);
  expect(hub.lines.some((l) => l.includes('"hub stopped"'))).toBe(true);
});
