// `fieldproof sim replay SOURCE` (timeline, --to-hub re-publish, --criteria what-if) and
// `fieldproof sim export-mcap SOURCE OUT`. Thin wiring over simulator/replay and simulator/mcap.
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type DeviceKey } from '../../proto/index.js';
import { readPublicKey } from '../../proto/node.js';
import type { Mission, ReplayPublisher, ReplaySummary } from '../../simulator/replay/index.js';
import { LOG_LEVELS, mqttUrl, oneOf } from '../cli-options.js';
import { action, CliError, EXIT_FAILED, EXIT_OK } from '../cli-support.js';

export interface SourceOptions {
  device?: string;
  pubkey?: string[];
  allowUnverified?: boolean;
}

export interface ReplayOptions extends SourceOptions {
  json?: boolean;
  speed: number;
  every: number;
  color?: boolean;
  toHub?: string;
  replayDevice?: string;
  workDir?: string;
  register?: string;
  hubPubkey?: string[];
  protocolVersion: 4 | 5;
  drainTimeout: number;
  criteria?: string;
  riskLevel?: string;
  logLevel: string;
}

/** Where replay output goes; the CLI passes stdout and stderr, tests pass collectors. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  color: boolean;
}

let pipeGuarded = false;

function stdio(color: boolean): Io {
  // `fieldproof sim replay … | head` closes the pipe early: stop quietly rather than with an EPIPE trace.
  if (!pipeGuarded) {
    pipeGuarded = true;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(EXIT_OK);
      process.stderr.write(`fieldproof: stdout: ${err.message}\n`);
      process.exit(EXIT_FAILED);
    });
  }
  return { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`), color };
}

export function registerReplayCommands(sim: Command): void {
  sim.command('replay')
    .description('replay a recorded mission: a timeline in the terminal, re-published to a hub (--to-hub), or re-decided with other criteria (--criteria)')
    .argument('<source>', 'an agent outbox (.db), or a hub store (.db) with --device')
    .option('--device <id>', 'which device, when SOURCE is a hub store holding several')
    .option('--pubkey <file...>', 'trusted device public key(s); default: the key in the outbox, or the keys registered in the hub store')
    .option('--allow-unverified', 'replay even if the chain does not verify (marked UNVERIFIED)', false)
    .option('--json', 'print NDJSON events (what-if: one JSON report)', false)
    .option('--speed <x>', 'replay in real time scaled by X (1 = real time, 10 = ten times faster); 0 = as fast as possible', nonNegative('--speed'), 0)
    .option('--every <seconds>', 'at most one conditions line per this many seconds of mission time; 0 = every change', nonNegative('--every'), 5)
    .option('--no-color', 'no ANSI colours (they are used only on a terminal, and never with NO_COLOR set)')
    .option('--to-hub <url>', 're-publish the mission to the hub behind this MQTT broker URL, as a new device with provenance REPLAY', mqttUrl('--to-hub'))
    .option('--replay-device <id>', 'with --to-hub: the replay\'s device id (default: <original>-replay)')
    .option('--work-dir <dir>', 'with --to-hub: where the replay key and outbox live (default: a new temporary folder); reuse it to continue the same replay chain')
    .option('--register <store>', 'with --to-hub: add the replay key to this hub SQLite store first (otherwise register the printed key yourself)')
    .option('--hub-pubkey <file...>', 'with --to-hub: the hub\'s public key (hub.pub); only acks it signs free the replay outbox')
    .option('--protocol-version <n>', 'with --to-hub: MQTT 4 (3.1.1, what the embedded broker speaks) or 5', protocolVersion, 4)
    .option('--drain-timeout <seconds>', 'with --to-hub: how long to wait for the hub to acknowledge everything', nonNegative('--drain-timeout'), 60)
    .option('--log-level <level>', 'with --to-hub: the replay agent\'s log level', oneOf('--log-level', LOG_LEVELS), 'silent')
    .option('--criteria <file>', 'what-if: re-decide every recorded Decision with the criteria: block of this YAML file')
    .option('--risk-level <level>', 'what-if: evaluate this level of the file instead of its risk_level')
    .addHelpText('after', `
Examples:
  fieldproof sim replay data/ugv-01/outbox.db                      # timeline
  fieldproof sim replay data/hub.db --device ugv-01 --speed 10     # from the hub, ten times real time
  fieldproof sim replay data/ugv-01/outbox.db --json > events.ndjson
  fieldproof sim replay data/ugv-01/outbox.db --criteria strict.yaml
  fieldproof sim replay data/ugv-01/outbox.db --to-hub mqtt://127.0.0.1:1883 --hub-pubkey keys/hub.pub --register data/hub.db`)
    .action(action(async (source: string, opts: ReplayOptions) => {
      return replayCommand(source, opts, stdio(opts.color !== false && process.stdout.isTTY === true && !process.env.NO_COLOR));
    }));

  sim.command('export-mcap')
    .description('export a recorded mission as MCAP for Foxglove: JSON channels /fieldproof/<device>/conditions, decisions, handovers, ...')
    .argument('<source>', 'an agent outbox (.db), or a hub store (.db) with --device')
    .argument('<out>', 'the MCAP file to write')
    .option('--device <id>', 'which device, when SOURCE is a hub store holding several')
    .option('--pubkey <file...>', 'trusted device public key(s); default: the key in the outbox, or the keys registered in the hub store')
    .option('--allow-unverified', 'export even if the chain does not verify (the metadata says so)', false)
    .option('--force', 'overwrite OUT if it exists', false)
    .option('--json', 'print the summary as JSON', false)
    .action(action(async (source: string, out: string, opts: SourceOptions & { force: boolean; json: boolean }) => {
      return exportMcapCommand(source, out, opts, stdio(false));
    }));
}

export async function replayCommand(source: string, opts: ReplayOptions, io: Io): Promise<number> {
  const hubOnly = (['replayDevice', 'workDir', 'register', 'hubPubkey'] as const).filter((k) => opts[k] !== undefined);
  if (!opts.toHub && hubOnly.length) throw new CliError(`--${kebab(hubOnly[0])} only applies with --to-hub`);
  if (opts.criteria && opts.toHub) throw new CliError('--criteria (what-if) and --to-hub are separate runs: pick one');
  if (opts.toHub && !opts.hubPubkey?.length) throw new CliError('--to-hub: give --hub-pubkey FILE too (the hub\'s hub.pub: the replay agent frees its outbox only on acks that key signs)');
  if (opts.riskLevel && !opts.criteria) throw new CliError('--risk-level only applies with --criteria');
  const {
    formatEvent, formatHeader, formatReplaySummary, formatSummary, formatWhatIf, loadCriteriaFile, missionEvent, runReplay, whatIf,
  } = await import('../../simulator/replay/index.js');
  const criteria = opts.criteria ? loadCriteriaFile(opts.criteria) : undefined;
  const mission = await open(source, opts);
  try {
    if (!mission.verification.ok) io.err(`warning: ${source}: the chain does not verify (FAILED at seq ${mission.verification.firstBadSeq}); replaying it anyway as UNVERIFIED`);
    if (criteria) {
      const report = whatIf(mission.records(), criteria, opts.riskLevel);
      if (opts.json) io.out(JSON.stringify({ mission: missionEvent(mission), ...report }));
      else for (const line of formatWhatIf(report, opts.criteria!, io.color)) io.out(line);
      return EXIT_OK;
    }
    if (opts.json) io.out(JSON.stringify(missionEvent(mission)));
    else for (const line of formatHeader(mission, io.color)) io.out(line);
    const publisher = opts.toHub ? await startPublisher(mission, opts, io) : undefined;
    let replay: ReplaySummary | undefined;
    try {
      const summary = await runReplay({
        mission, speed: opts.speed, everyS: opts.every, publisher,
        onEvent: (e) => io.out(opts.json ? JSON.stringify(e) : formatEvent(e, io.color)),
      });
      io.out(opts.json ? JSON.stringify(summary) : formatSummary(summary));
      if (publisher) {
        replay = await publisher.finish(opts.drainTimeout * 1000, (acked, head) => io.err(`waiting for the hub: acknowledged through seq ${acked} of ${head}`));
      }
    } finally {
      await publisher?.stop();
    }
    if (!replay) return EXIT_OK;
    if (opts.json) io.out(JSON.stringify({ type: 'replay', ...replay }));
    else io.out(formatReplaySummary(replay, opts.toHub!));
    if (!replay.drained && !opts.json) {
      const why = replay.connected ? `is key ${replay.key_id} registered for ${replay.device_id}?` : `the broker at ${opts.toHub} could not be reached.`;
      io.err(`the hub acknowledged through seq ${replay.acked_through} of ${replay.last_seq} after ${opts.drainTimeout} s: ${why} `
        + `The rest stays in ${replay.outbox}; rerun with --work-dir ${dirname(replay.outbox)} to send it and continue`);
    }
    return replay.drained ? EXIT_OK : EXIT_FAILED;
  } finally {
    mission.close();
  }
}

export async function exportMcapCommand(source: string, out: string, opts: SourceOptions & { force?: boolean; json?: boolean }, io: Io): Promise<number> {
  if (existsSync(out) && !opts.force) throw new CliError(`${out} already exists: pass --force to overwrite it`);
  const { exportMcap, formatMcapSummary } = await import('../../simulator/mcap/index.js');
  const mission = await open(source, opts);
  try {
    if (!mission.verification.ok) io.err(`warning: ${source}: the chain does not verify (FAILED at seq ${mission.verification.firstBadSeq}); exported anyway, marked verified=false`);
    const s = await exportMcap(mission, out);
    if (opts.json) {
      io.out(JSON.stringify(s));
      return EXIT_OK;
    }
    for (const line of formatMcapSummary(s)) io.out(line);
    return EXIT_OK;
  } finally {
    mission.close();
  }
}

async function open(source: string, opts: SourceOptions): Promise<Mission> {
  const { MissionSourceError, openMission } = await import('../../simulator/replay/index.js');
  try {
    return openMission(source, { device: opts.device, trustedKeys: opts.pubkey?.map(readPublicKey), allowUnverified: opts.allowUnverified });
  } catch (err) {
    if (err instanceof MissionSourceError) throw new CliError(err.message, err.code === 'UNVERIFIED' || err.code === 'CHANGED' ? EXIT_FAILED : undefined);
    throw err;
  }
}

async function startPublisher(mission: Mission, opts: ReplayOptions, io: Io): Promise<ReplayPublisher> {
  const deviceId = opts.replayDevice ?? `${mission.deviceId}-replay`;
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), `fieldproof-replay-${deviceId}-`));
  const freshChain = !existsSync(join(workDir, 'outbox.db'));
  const { ReplayPublisher, replayKey } = await import('../../simulator/replay/index.js');
  const key = await replayKey(workDir);
  const pubFile = join(workDir, 'device.pub');
  if (opts.register) await register(opts.register, deviceId, key, mission.deviceId, freshChain);
  const note = opts.register
    ? `registered key ${key.keyId} for ${deviceId} in ${opts.register}`
    : `register it with the hub: fieldproof hub devices add ${deviceId} --pubkey ${pubFile} --store <hub store>`;
  if (opts.json) io.out(JSON.stringify({ type: 'replay_key', device_id: deviceId, key_id: key.keyId, pubkey: pubFile, work_dir: workDir, registered: opts.register ?? null }));
  else {
    io.out(`replaying as ${deviceId} with key ${key.keyId} (public key ${pubFile}, outbox in ${workDir})`);
    io.out(`  ${note}`);
    io.out(`  publishing to ${opts.toHub} ${opts.speed > 0 ? `at ${opts.speed}x real time` : 'as fast as possible'}`);
  }
  return ReplayPublisher.start({
    mission, hubUrl: opts.toHub!, deviceId, key, workDir, protocolVersion: opts.protocolVersion, logLevel: opts.logLevel,
    hubPublicKeys: (opts.hubPubkey ?? []).map((file) => readPublicKey(file)),
  });
}

async function register(storePath: string, deviceId: string, key: DeviceKey, original: string, freshChain: boolean): Promise<void> {
  if (!existsSync(storePath)) throw new CliError(`${storePath}: no such hub store (--register takes the SQLite store of the hub behind --to-hub)`);
  const { openStore } = await import('../../hub/index.js');
  const store = await openStore({ driver: 'sqlite', path: storePath });
  try {
    const state = await store.deviceState(deviceId);
    if (freshChain && state && state.headSeq > 0) {
      throw new CliError(`${storePath} already holds records up to seq ${state.headSeq} of device "${deviceId}" from an earlier replay: `
        + 'pass another --replay-device, or the earlier --work-dir to continue that chain');
    }
    await store.addDeviceKey(deviceId, key.keyId, key.publicKey, `replay of ${original}`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`${storePath}: cannot register key ${key.keyId} for ${deviceId}: ${(err as Error).message}`);
  } finally {
    await store.close();
  }
}

function nonNegative(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name}: expected a number >= 0, got "${value}"`);
    return n;
  };
}

function protocolVersion(value: string): 4 | 5 {
  if (value !== '4' && value !== '5') throw new InvalidArgumentError(`expected 4 or 5, got "${value}"`);
  return Number(value) as 4 | 5;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
