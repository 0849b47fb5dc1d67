// A real hub for the benchmarks, in its own process as in production: `fieldproof hub --embedded-broker`
// (aedes) or `fieldproof hub --config FILE` (external broker), with its own ack-signing key and devices registered first.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../hub/index.js';
import type { DeviceKey } from '../../proto/index.js';
import { writeKeyFiles } from '../../proto/node.js';
import { freePort, nodeArgs, ROOT, startHelper, type Helper } from './children.js';

export type HubBroker =
  | { kind: 'aedes' }
  | { kind: 'external'; url: string; protocol: 4 | 5; sharedGroup: string };

export interface HubProcess {
  /** The broker agents connect to: the hub's embedded one, or the external one. */
  url: string;
  protocol: 4 | 5;
  /** The hub's public key: what its agents pin (only acks it signs free outbox space). */
  publicKey: Uint8Array;
  helper: Helper;
  stop(): Promise<void>;
}

/** Registers each device's key in the hub store file, before any hub process opens it. */
export async function registerDevices(storePath: string, devices: { deviceId: string; key: DeviceKey }[]): Promise<void> {
  const store = await openStore({ driver: 'sqlite', path: storePath });
  try {
    for (const d of devices) await store.addDeviceKey(d.deviceId, d.key.keyId, d.key.publicKey, 'bench');
  } finally {
    await store.close();
  }
}

/**
 * Starts `fieldproof hub` on `storePath`, signing acks with `hubKey` (written to `dir/<name>-keys/hub.key`,
 * as `fieldproof keygen --name hub` would), and resolves once it logs "hub started" (subscribed and ready).
 * Ingest only by default (`--no-analyst`): these benches measure the ack path, and the analyst shares the
 * hub's cores; the analyst has its own bench.
 */
export async function startHubProcess(dir: string, name: string, storePath: string, broker: HubBroker, hubKey: DeviceKey, analyst = false): Promise<HubProcess> {
  const cli = join(ROOT, 'bin', 'fieldproof.ts');
  const { keyFile } = await writeKeyFiles(join(dir, `${name}-keys`), hubKey, false, 'hub');
  let args: string[];
  let url: string;
  let protocol: 4 | 5;
  if (broker.kind === 'aedes') {
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    protocol = 4;
    args = nodeArgs(cli, ['hub', '--embedded-broker', '--port', String(port), '--store', storePath, '--key', keyFile, ...(analyst ? [] : ['--no-analyst'])]);
  } else {
    const config = join(dir, `${name}.hub.yaml`);
    writeFileSync(config, [
      `hub_id: ${name}`,
      `key_file: ${JSON.stringify(keyFile)}`,
      `store: { driver: sqlite, path: ${JSON.stringify(storePath)} }`,
      `mqtt: { url: ${JSON.stringify(broker.url)}, protocol_version: ${broker.protocol}, shared_group: ${JSON.stringify(broker.sharedGroup)} }`,
      'log: { level: info }',
      '',
    ].join('\n'));
    url = broker.url;
    protocol = broker.protocol;
    args = nodeArgs(cli, ['hub', '--config', config, ...(analyst ? [] : ['--no-analyst'])]);
  }
  const helper = startHelper(`hub ${name}`, process.execPath, args);
  await helper.line((l) => (l.includes('"msg":"hub started"') ? true : undefined), 60_000);
  return {
    url,
    protocol,
    publicKey: hubKey.publicKey,
    helper,
    async stop() {
      const code = await helper.stop('SIGTERM', 15_000);
      if (code !== 0) throw new Error(`hub ${name} exited with ${code} on SIGTERM; output:\n${helper.output().slice(-2000)}`);
    },
  };
}
