// `fieldproof hub`: runs the hub; `hub devices add|list|revoke` manages the device registry;
// `hub status` shows each device's chain and recent rejections; `hub reindex` rebuilds the analytics from the segments.
import type { Command } from 'commander';
import { defaultHubConfig, loadHubConfig, type HubConfig } from '../../config/index.js';
import { loadOddFile } from '../../config/odd-config.js';
import type { HubStore } from '../../hub/index.js';
import { keyIdOf } from '../../proto/index.js';
import { readDeviceKey, readPublicKey } from '../../proto/node.js';
import { listenAddress, mqttUrl, port } from '../cli-options.js';
import { action, CliError, EXIT_FAILED, printJson } from '../cli-support.js';
import { runUntilSignal } from '../run-until-signal.js';

interface StoreOpts { config?: string; store?: string; key?: string }

/** The hub's modules load only when a hub command runs: the other commands start faster without Kysely. */
const hubModule = () => import('../../hub/index.js');

async function openHubStore(opts: StoreOpts): Promise<HubStore> {
  return (await hubModule()).openStore(hubConfig(opts).store);
}

function hubConfig(opts: StoreOpts): HubConfig {
  const config = opts.config ? loadHubConfig(opts.config) : defaultHubConfig();
  if (opts.store) config.store = { ...config.store, driver: 'sqlite', path: opts.store };
  if (opts.key) config.key_file = opts.key;
  return config;
}

export function registerHub(program: Command): void {
  const hub = program.command('hub')
    .enablePositionalOptions()
    .description('run the hub (ingest, verify, store, ack); subcommands manage devices and show status')
    .option('-c, --config <file>', 'hub config (YAML); see config/hub.example.yaml')
    .option('--store <path>', 'SQLite store file (overrides store.path)')
    .option('--key <file>', 'the hub\'s private key, which signs every ack (overrides key_file; make one with `fieldproof keygen --out DIR --name hub`)')
    .option('--embedded-broker', 'run an embedded MQTT broker (aedes, MQTT 3.1.1) in the hub process')
    .option('--port <n>', 'embedded broker port', port('--port'))
    .option('--mqtt <url>', 'external broker URL (overrides mqtt.url), e.g. mqtt://127.0.0.1:1883 or mqtts://host:8883', mqttUrl('--mqtt'))
    .option('--no-analyst', 'ingest only: no analytics in this process (another process, or `hub reindex` later, builds them)')
    .option('--http <[host:]port>', 'serve the reviewer page and read-only JSON API here (default host 127.0.0.1), e.g. 8080', listenAddress('--http'))
    .action(action(async (opts: StoreOpts & { embeddedBroker?: boolean; port?: number; mqtt?: string; analyst: boolean; http?: { host: string; port: number } }) => {
      const config = hubConfig(opts);
      if (opts.http) config.http = { enabled: true, ...opts.http };
      if (opts.embeddedBroker) config.embedded_broker.enabled = true;
      if (opts.port !== undefined && !config.embedded_broker.enabled) {
        throw new CliError('--port is the embedded broker\'s port: add --embedded-broker (an external broker\'s address goes in --mqtt URL)');
      }
      if (opts.port !== undefined) config.embedded_broker.port = opts.port;
      if (opts.mqtt) config.mqtt.url = opts.mqtt;
      const { Hub } = await hubModule();
      const running = await Hub.start(config, { analyst: opts.analyst });
      if (running.httpUrl) process.stdout.write(`reviewer page: ${running.httpUrl}\n`);
      await runUntilSignal(async (signal) => {
        running.log.info({ signal }, 'stopping');
        await running.stop();
      });
    }));

  const devices = hub.command('devices').description('the device registry: which keys may seal for which device');
  devices.command('add')
    .description('register a device and its public key (or add another key to it)')
    .argument('<id>', 'device id')
    .requiredOption('--pubkey <file>', 'the device.pub written by `fieldproof keygen`')
    .option('--label <text>', 'a human label', '')
    .option('-c, --config <file>', 'hub config (YAML)')
    .option('--store <path>', 'SQLite store file')
    .action(action(async (id: string, opts: StoreOpts & { pubkey: string; label: string }) => {
      const publicKey = readPublicKey(opts.pubkey);
      const store = await openHubStore(opts);
      try {
        const keyId = keyIdOf(publicKey);
        const r = await store.addDeviceKey(id, keyId, publicKey, opts.label);
        process.stdout.write(`${r.newDevice ? 'added device' : 'device'} ${id}: key ${keyId} ${r.newKey ? 'registered' : 'already registered (re-enabled)'}\n`);
      } finally {
        await store.close();
      }
    }));
  devices.command('list')
    .description('list registered devices and their keys')
    .option('-c, --config <file>', 'hub config (YAML)')
    .option('--store <path>', 'SQLite store file')
    .option('--json', 'print JSON', false)
    .action(action(async (opts: StoreOpts & { json: boolean }) => {
      const store = await openHubStore(opts);
      try {
        const list = await store.listDevices();
        if (opts.json) return printJson(list.map((d) => ({ ...d, keys: d.keys.map((k) => ({ keyId: k.keyId, revoked: k.revokedMs !== null })) })));
        if (list.length === 0) process.stdout.write('no devices registered (add one with `fieldproof hub devices add ID --pubkey FILE`)\n');
        for (const d of list) {
          const keys = d.keys.map((k) => `${k.keyId}${k.revokedMs !== null ? ' (revoked)' : ''}`).join(', ');
          process.stdout.write(`${d.deviceId}${d.revokedMs !== null ? ' [REVOKED]' : ''}${d.label ? ` "${d.label}"` : ''}  keys: ${keys}\n`);
        }
      } finally {
        await store.close();
      }
    }));
  devices.command('revoke')
    .description('revoke a device and all its keys: its segments are rejected from now on (stored evidence stays)')
    .argument('<id>', 'device id')
    .option('-c, --config <file>', 'hub config (YAML)')
    .option('--store <path>', 'SQLite store file')
    .action(action(async (id: string, opts: StoreOpts) => {
      const store = await openHubStore(opts);
      try {
        if (!(await store.revokeDevice(id))) throw new CliError(`device "${id}" is not registered or already revoked`);
        process.stdout.write(`revoked ${id}\n`);
      } finally {
        await store.close();
      }
    }));

  hub.command('reindex')
    .description('rebuild every analytics aggregate from the raw segments (after a taxonomy change, or to check the live ones)')
    .option('-c, --config <file>', 'hub config (YAML)')
    .option('--store <path>', 'SQLite store file')
    .option('--odd <file>', 'operating-domain taxonomy (default config/odd/default.yaml, the one the hub analyses under)')
    .action(action(async (opts: StoreOpts & { odd?: string }) => {
      const taxonomy = loadOddFile(opts.odd);
      const store = await openHubStore(opts);
      try {
        const { Analyst } = await hubModule();
        const started = Date.now();
        const records = await new Analyst({ store, taxonomy }).reindex();
        process.stdout.write(`reindexed ${records} records under taxonomy ${taxonomy.id} (${taxonomy.fingerprint}) in ${Date.now() - started} ms\n`);
      } finally {
        await store.close();
      }
    }));

  hub.command('status')
    .description('per device: stored through, head, unexplained holes, chain re-verification; recent rejections')
    .option('-c, --config <file>', 'hub config (YAML)')
    .option('--store <path>', 'SQLite store file')
    .option('--key <file>', 'the hub\'s private key (overrides key_file), to print its key id')
    .option('--verify', 're-verify every stored segment from its raw bytes', false)
    .option('--json', 'print JSON', false)
    .action(action(async (opts: StoreOpts & { verify: boolean; json: boolean }) => {
      const keyFile = hubConfig(opts).key_file;
      const hubKey = keyFile ? { keyId: (await readDeviceKey(keyFile)).keyId, file: keyFile } : undefined;
      const store = await openHubStore(opts);
      try {
        const { unexplainedHoles, verifyStoredChain } = await hubModule();
        const rows = [];
        let failed = false;
        for (const s of await store.deviceStates()) {
          const cov = await store.coverage(s.deviceId);
          const holes = unexplainedHoles(cov.segments, cov.gaps, s.headSeq);
          const report = opts.verify ? await verifyStoredChain(store, s.deviceId) : undefined;
          if (holes.length || (report && !report.ok)) failed = true;
          // Forks and conflicts: the device's chain diverged from the hub's. Healed once a signed Fork record follows the conflicts.
          const integrity = await store.integrityEvents(20, s.deviceId);
          const unhealed = integrity.length > 0 && integrity[0].kind === 'conflict';
          if (unhealed) failed = true;
          rows.push({ ...s, contiguousHash: undefined, holes, verified: report ? (report.ok ? 'ok' : report.problems[0].message) : undefined, integrity, forked: integrity.length > 0 });
        }
        const rejections = await store.rejections(10);
        if (opts.json) printJson({ hubKey: hubKey ?? null, devices: rows, rejections });
        else {
          process.stdout.write(hubKey ? `hub key ${hubKey.keyId} (${hubKey.file})\n` : 'hub key: none configured (key_file or --key)\n');
          for (const r of rows) {
            const holes = r.holes.length ? ` UNEXPLAINED: ${r.holes.map((h) => `${h.first}..${h.last}`).join(', ')}` : '';
            process.stdout.write(`${r.deviceId}: stored through ${r.contiguousSeq}, head ${r.headSeq}, ${r.recordsStored} records, last seen ${new Date(r.lastSeenMs).toISOString()}, clock offset ${r.clockOffsetMs} ms${holes}${r.verified ? `, verify: ${r.verified}` : ''}\n`);
            for (const e of r.integrity) {
              const heads = e.kind === 'fork' ? `hub head ${e.hubSeq}, device head ${e.deviceSeq}` : `hub stored through ${e.hubSeq}, device offered up to ${e.deviceSeq}`;
              process.stdout.write(`  ${e.kind === 'fork' ? 'FORKED' : 'CONFLICT'} ${new Date(e.atMs).toISOString()}: ${heads}: ${e.detail}\n`);
            }
          }
          if (rows.length === 0) process.stdout.write('no records stored yet\n');
          for (const j of rejections) process.stdout.write(`rejected ${new Date(j.receivedMs).toISOString()} ${j.topic} [${j.code}] ${j.message}\n`);
        }
        return failed ? EXIT_FAILED : 0;
      } finally {
        await store.close();
      }
    }));
}
