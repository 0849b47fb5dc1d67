// `fieldproof sim`: scenarios and test matrices through real agents on simulated time, against an
// embedded hub (default) or a running one; a running agent can also be driven over its local API or serial ports.
import { InvalidArgumentError, type Command } from 'commander';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../../config/scenario-config.js';
import type { HubReader, MatrixHub, RunSummary } from '../../simulator/matrix/index.js';
import type { SimTarget } from '../../simulator/run/index.js';
import { listenAddress, mqttUrl } from '../cli-options.js';
import { action, CliError, EXIT_FAILED, EXIT_OK, printJson } from '../cli-support.js';
import { watchStopSignals, type StopSignals } from '../run-until-signal.js';
import { registerReplayCommands } from './sim-replay.js';

interface HubOpts {
  hub?: string; store?: string; hubPubkey?: string[]; protocolVersion: 4 | 5; embedded?: boolean;
  /** Serve the embedded hub's reviewer page during the run and after it, until Ctrl-C (true: 127.0.0.1:8080). */
  serve?: { host: string; port: number } | true;
}
interface RunOpts extends HubOpts {
  seed?: number; duration?: number; dir?: string; json: boolean; via: string; socket?: string; pty?: string; nmeaPty?: string;
  speed: number; key?: string; device?: string; offline: boolean;
}
interface MatrixOpts extends HubOpts { strength?: 2 | 3; full: boolean; dryRun: boolean; parallel: number; dir?: string; json: boolean }

const simulator = () => import('../../simulator/index.js');
const configs = async () => ({
  ...(await import('../../config/common.js')), ...(await import('../../config/scenario-config.js')), ...(await import('../../config/matrix-config.js')),
});

export function registerSim(program: Command): Command {
  const sim = program.command('sim')
    .enablePositionalOptions()
    .description('simulate: scenarios and test matrices through real agents on simulated time; replay recorded missions');

  sim.command('run')
    .description('run one scenario (a file, or a name from config/scenarios) through an agent and a hub')
    .argument('<scenario>', 'scenario YAML, or a library name such as fog-at-dusk')
    .option('--seed <n>', 'override the scenario seed', integer('--seed'))
    .option('--duration <s>', 'override duration_s (simulated seconds)', positive('--duration'))
    .option('--hub <url>', 'a running hub\'s broker (mqtt://...); needs --store to register the device and check the result', mqttUrl('--hub'))
    .option('--store <path>', 'with --hub: that hub\'s SQLite store')
    .option('--hub-pubkey <file...>', 'with --hub: that hub\'s public key (hub.pub); agents free their outboxes only on acks it signs')
    .option('--protocol-version <n>', 'with --hub: MQTT 4 (3.1.1) or 5', protocolVersion, 4)
    .option('--embedded', 'run an embedded broker and hub in this process (the default without --hub)')
    .option('--serve [[host:]port]', 'with the embedded hub: serve the reviewer page during the run and keep it up after, until Ctrl-C (default 127.0.0.1:8080)', listenAddress('--serve'))
    .option('--offline', 'no hub: the records stay in the agent\'s outbox', false)
    .option('--dir <path>', 'where the outbox (and embedded hub store) go (default: a new temp folder)')
    .option('--key <dir>', 'the device key folder (fieldproof keygen); default: a new key. Same key, dir and seed: same record bytes')
    .option('--device <id>', 'device id (default: sim-<scenario>-<key id>)')
    .option('--via <targets>', 'direct (in-process agent), or drive a RUNNING agent: local-api, serial, or serial,local-api', 'direct')
    .option('--socket <path>', 'with --via local-api: the agent\'s local API socket')
    .option('--pty <path>', 'with --via serial: link a MAVLink flight-controller pty here (the agent\'s sources.serial path)')
    .option('--nmea-pty <path>', 'with --via serial: link an NMEA GNSS pty here')
    .option('--speed <x>', 'with a running agent: simulated seconds per real second', positive('--speed'), 1)
    .option('--json', 'print the summary as JSON', false)
    .addHelpText('after', `
Examples:
  fieldproof sim run fog-at-dusk                         # embedded hub, summary at the end
  fieldproof sim run config/scenarios/lens-occlusion.yaml --seed 7 --offline --dir out/
  fieldproof sim run heavy-rain-night --via local-api --socket /tmp/fieldproof-agent.sock --speed 10
  fieldproof sim run rough-terrain-vibration --via serial,local-api --pty /tmp/fc0 --nmea-pty /tmp/gnss0 --socket /tmp/fieldproof-agent.sock`)
    .action(action(async (file: string, opts: RunOpts) => runCommand(file, opts)));

  sim.command('matrix')
    .description('run a test matrix: a t-way covering array (pairwise by default) of its levels, each row a real agent syncing to a hub')
    .argument('<matrix>', 'matrix YAML, or a library name such as ugv-conditions')
    .option('--strength <t>', '2 (pairwise) or 3; default: the file\'s', strength)
    .option('--full', 'every allowed combination (the full cartesian product) instead', false)
    .option('--dry-run', 'print the rows and their count against the lower bound; run nothing', false)
    .option('--parallel <n>', 'rows at once', positiveInteger('--parallel'), 2)
    .option('--hub <url>', 'a running hub\'s broker (mqtt://...); needs --store', mqttUrl('--hub'))
    .option('--store <path>', 'with --hub: that hub\'s SQLite store')
    .option('--hub-pubkey <file...>', 'with --hub: that hub\'s public key (hub.pub); agents free their outboxes only on acks it signs')
    .option('--protocol-version <n>', 'with --hub: MQTT 4 (3.1.1) or 5', protocolVersion, 4)
    .option('--embedded', 'run an embedded broker and hub in this process (the default without --hub)')
    .option('--serve [[host:]port]', 'with the embedded hub: serve the reviewer page during the run and keep it up after, until Ctrl-C (default 127.0.0.1:8080)', listenAddress('--serve'))
    .option('--dir <path>', 'where outboxes (and the embedded hub store) go (default: a new temp folder)')
    .option('--json', 'print the summary as JSON', false)
    .addHelpText('after', `
Examples:
  fieldproof sim matrix ugv-conditions --dry-run
  fieldproof sim matrix config/matrices/ugv-conditions.yaml --parallel 2
  fieldproof sim matrix uav-envelope-3way --hub mqtt://127.0.0.1:1883 --store data/hub.db --hub-pubkey keys/hub.pub`)
    .action(action(async (file: string, opts: MatrixOpts) => matrixCommand(file, opts)));

  registerReplayCommands(sim);
  return sim;
}

async function matrixCommand(file: string, opts: MatrixOpts): Promise<number> {
  const { loadMatrixFile, configLibraryDir } = await configs();
  const { planMatrix, runMatrix, summarizeRows, summaryText, rowsTable, ProgressReporter } = await simulator();
  const matrix = loadMatrixFile(libraryPath(file, configLibraryDir('matrices'), 'matrix'));
  const plan = planMatrix(matrix, { strength: opts.strength, full: opts.full });
  const kind = plan.strength === 0 ? 'full product' : plan.strength === 2 ? 'pairwise covering array' : `${plan.strength}-way covering array`;
  const dims = plan.dimensions.map((d) => d.name);
  const countLine = `${plan.rows.length} rows (${kind}; lower bound ${plan.lowerBound}; full product ${plan.fullSize})`;
  if (opts.dryRun) {
    if (opts.json) printJson({ matrix: plan.matrixId, strength: plan.strength, rows: plan.rows.map((r) => ({ id: r.id, ...r.levels })), count: plan.rows.length, lowerBound: plan.lowerBound, fullSize: plan.fullSize });
    else process.stdout.write(`${rowsTable(dims, plan.rows)}\n\n${plan.matrixId}: ${countLine}\n`);
    return EXIT_OK;
  }
  checkHubFlags(opts);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'fieldproof-sim-'));
  const hub = await openSimHub(opts, dir);
  const simTotal = plan.rows.reduce((n, r) => n + r.scenario.duration_s, 0);
  const progress = new ProgressReporter(plan.rows.length, simTotal, (t) => process.stderr.write(t), process.stderr.isTTY === true);
  const stop = stopOnSignal();
  if (!opts.json) process.stderr.write(`fieldproof sim matrix ${plan.matrixId}: ${countLine}, ${opts.parallel} at a time, hub ${hub.url}\n`);
  const started = performance.now();
  try {
    const results = await runMatrix({
      plan, dir, hub: hub.link, parallel: opts.parallel, stopped: stop.stopped,
      onAdvance: (row, tS) => progress.advance(row.id, tS),
      onRowDone: (r) => progress.rowDone(r.row.id, r.stats.simSeconds, r.records, `${r.row.id} ${Object.values(r.row.levels).join('/')}: ${r.records} records, ${r.stats.noGo}/${r.stats.decisions} no-go, ${r.stats.takeovers} handovers`),
    });
    progress.finish();
    const summary = await summarizeRows(results, hub.reader, plan.matrixId);
    const wallS = (performance.now() - started) / 1000;
    if (opts.json) printJson({ matrix: plan.matrixId, strength: plan.strength, lowerBound: plan.lowerBound, wallS, dir, hub: hub.url, ...summary });
    else {
      const table = rowsTable([...dims, 'records', 'no-go', 'handovers'], summary.perRow.map((r) => ({
        id: r.row, levels: { ...r.levels, records: String(r.records), 'no-go': `${r.noGo}/${r.decisions}`, handovers: String(r.takeovers) },
      })));
      process.stdout.write(`${table}\n\nsim matrix ${plan.matrixId} ${summary.ok ? 'OK' : 'FAILED'}: ${countLine} in ${wallS.toFixed(1)}s, ${opts.parallel} in parallel\n${summaryText(summary, dir)}`);
    }
    await keepServing(hub, stop, opts.json);
    return summary.ok && summary.rows === plan.rows.length ? EXIT_OK : EXIT_FAILED;
  } finally {
    stop.dispose();
    await hub.close();
  }
}

async function runCommand(file: string, opts: RunOpts): Promise<number> {
  const { loadScenarioFile, configLibraryDir, idSchema } = await configs();
  const loaded = loadScenarioFile(libraryPath(file, configLibraryDir('scenarios'), 'scenario'));
  const scenario = { ...loaded, seed: opts.seed ?? loaded.seed, duration_s: opts.duration ?? loaded.duration_s };
  const via = new Set(opts.via.split(',').map((v) => v.trim()));
  for (const v of via) if (!['direct', 'local-api', 'serial'].includes(v)) throw new CliError(`--via: expected direct, local-api, serial or serial,local-api, got "${v}"`);
  if (via.has('direct') && via.size > 1) throw new CliError('--via direct runs its own agent: it does not combine with local-api or serial');
  if (!via.has('direct')) return driveRunningAgent(scenario, via, opts);
  // checked (and the key read) before the temp folder and the hub exist: an error must not leave a broker listening
  if (opts.offline && (opts.hub || opts.embedded || opts.serve)) throw new CliError('--offline sends nothing: it does not combine with --hub, --embedded or --serve');
  checkHubFlags(opts);
  if (opts.device !== undefined && !idSchema.safeParse(opts.device).success) {
    throw new CliError(`--device: expected 1-64 letters, digits, ".", "_" or "-", got "${opts.device}"`);
  }
  const { runScenario, summarizeRows, summaryText, decisionText, ProgressReporter } = await simulator();
  const proto = await import('../../proto/node.js');
  const key = opts.key ? await proto.readDeviceKey(join(opts.key, 'device.key')) : await proto.generateDeviceKey();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'fieldproof-sim-'));
  const hub: SimHub | undefined = opts.offline ? undefined : await openSimHub(opts, dir);
  // the key id keeps runs apart at a hub that holds earlier ones; the same --key gives the same id
  const deviceId = opts.device ?? `sim-${scenario.name.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 50)}-${key.keyId.slice(0, 6)}`;
  const progress = new ProgressReporter(1, scenario.duration_s, (t) => process.stderr.write(t), process.stderr.isTTY === true);
  const stop = stopOnSignal();
  const started = performance.now();
  try {
    const result = await runScenario({
      scenario, deviceId, key, outboxPath: join(dir, 'outbox.db'), hub: hub?.link, stopped: stop.stopped, onAdvance: (tS) => progress.advance('run', tS),
    });
    progress.finish();
    const wallS = (performance.now() - started) / 1000;
    const head = `sim run ${scenario.name}: ${result.stats.simSeconds.toFixed(0)} simulated s in ${wallS.toFixed(1)}s (seed ${scenario.seed}, device ${deviceId})`;
    if (!hub) {
      if (opts.json) printJson({ scenario: scenario.name, seed: scenario.seed, deviceId, wallS, dir, records: result.records, ...result.stats });
      else process.stdout.write(`${head}\n  records        ${result.records} in ${join(dir, 'outbox.db')} (offline: nothing sent)\n${decisionText(result.stats)}`);
      return EXIT_OK;
    }
    const summary = await summarizeRows([{ row: { id: '', levels: {}, scenario }, deviceId, ...result }], hub.reader, '');
    if (opts.json) printJson({ scenario: scenario.name, seed: scenario.seed, deviceId, wallS, dir, hub: hub.url, ...summary, perRow: undefined });
    else process.stdout.write(`${head} ${summary.ok ? 'OK' : 'FAILED'}\n${summaryText(summary, dir)}`);
    await keepServing(hub, stop, opts.json);
    return summary.ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    stop.dispose();
    await hub?.close();
  }
}

/** --via local-api / serial: drive an agent that runs elsewhere, paced in (scaled) real time. */
async function driveRunningAgent(scenario: Scenario, via: Set<string>, opts: RunOpts): Promise<number> {
  const sim = await simulator();
  if (via.has('serial') && !opts.pty && !opts.nmeaPty) throw new CliError('--via serial: give --pty PATH (MAVLink) and/or --nmea-pty PATH (NMEA)');
  if (via.has('local-api') && !opts.socket) throw new CliError('--via local-api: give --socket PATH (the agent\'s sources.local_api.socket)');
  const opened: { close(): Promise<void> }[] = [];
  const targets: SimTarget[] = [];
  try {
    if (via.has('serial')) {
      const mavlink = opts.pty ? await sim.openPtyLink(opts.pty) : undefined;
      if (mavlink) opened.push(mavlink);
      const nmea = opts.nmeaPty ? await sim.openPtyLink(opts.nmeaPty) : undefined;
      if (nmea) opened.push(nmea);
      targets.push(await sim.openSerialTarget({ vehicle: scenario.vehicle, startUnixMs: Date.parse(scenario.start), mavlink, nmea }));
    }
    if (via.has('local-api')) targets.push(await sim.openLocalApiTarget({ socket: opts.socket!, omit: via.has('serial') ? ['vibration', 'gnss'] : [] }));
  } catch (err) {
    for (const o of opened) await o.close().catch(() => undefined);
    throw err;
  }
  const target = sim.combineTargets(targets);
  const progress = new sim.ProgressReporter(1, scenario.duration_s, (t) => process.stderr.write(t), process.stderr.isTTY === true);
  const stop = stopOnSignal();
  if (!opts.json) process.stderr.write(`fieldproof sim run ${scenario.name} -> ${target.label} at ${opts.speed}x real time\n`);
  try {
    const stats = await sim.driveScenario(scenario, target, { pace: sim.realTimePace(opts.speed), stopped: stop.stopped, onProgress: (tS) => progress.advance('run', tS) });
    progress.finish();
    if (opts.json) printJson({ scenario: scenario.name, seed: scenario.seed, via: [...via], ...stats });
    else process.stdout.write(`sim run ${scenario.name} -> ${target.label}: ${stats.samples} samples over ${stats.simSeconds.toFixed(0)} simulated s\n${sim.decisionText(stats)}`);
    return EXIT_OK;
  } finally {
    stop.dispose();
    await target.close();
  }
}

interface SimHub {
  url: string;
  /** The reviewer page, when --serve asked for one. */
  pageUrl?: string;
  link: MatrixHub;
  reader: HubReader;
  close(): Promise<void>;
}

/** The embedded broker and hub (like the demo), or a running hub's broker and its SQLite store. */
async function openSimHub(opts: HubOpts, dir: string): Promise<SimHub> {
  const hubs = await import('../../hub/index.js');
  const { decodeSegment } = await import('../../proto/index.js');
  const { generateDeviceKey, readPublicKey } = await import('../../proto/node.js');
  let running: Awaited<ReturnType<typeof hubs.Hub.start>> | undefined;
  let store: Awaited<ReturnType<typeof hubs.openStore>>;
  let url: string;
  let hubPublicKeys: Uint8Array[];
  if (opts.hub) {
    hubPublicKeys = (opts.hubPubkey ?? []).map((file) => readPublicKey(file));
    store = await hubs.openStore({ driver: 'sqlite', path: opts.store! }); // present: checkHubFlags ran first
    url = opts.hub;
  } else {
    const { defaultHubConfig } = await import('../../config/index.js');
    const config = defaultHubConfig(dir);
    config.embedded_broker = { enabled: true, host: '127.0.0.1', port: 0 };
    config.store.path = join(dir, 'hub.db');
    // The embedded hub's key lives in memory for the run; its agents pin the public half.
    const key = await generateDeviceKey();
    hubPublicKeys = [key.publicKey];
    const start = (http: { host: string; port: number } | undefined) => hubs.Hub.start({ ...config, http: http ? { enabled: true, ...http } : config.http }, { logger: hubs.createLogger('silent'), key });
    const serve = opts.serve === true ? { host: '127.0.0.1', port: 8080 } : opts.serve;
    try {
      running = await start(serve);
    } catch (err) {
      // the default port taken: any free one (an address given explicitly fails instead)
      if (opts.serve !== true || (err as { code?: string }).code !== 'EADDRINUSE') throw err;
      running = await start({ host: '127.0.0.1', port: 0 });
    }
    if (running.httpUrl) process.stderr.write(`reviewer page: ${running.httpUrl}\n`);
    store = running.store;
    url = running.mqttUrl;
  }
  return {
    url,
    pageUrl: running?.httpUrl,
    link: {
      mqttUrl: url,
      protocolVersion: running ? 4 : opts.protocolVersion,
      hubPublicKeys,
      register: async (deviceId, key, label) => void (await store.addDeviceKey(deviceId, key.keyId, key.publicKey, label)),
    },
    reader: {
      countRecords: (deviceId) => store.countRecords(deviceId),
      verify: async (deviceId) => {
        const report = await hubs.verifyStoredChain(store, deviceId);
        return { ok: report.ok, records: report.records, problem: report.problems[0]?.message };
      },
      firstRecord: async (deviceId) => {
        for await (const s of store.rawSegments(deviceId)) return s.firstSeq === 1 ? decodeSegment(s.raw).records[0] : undefined;
        return undefined;
      },
    },
    close: async () => (running ? running.stop() : store.close()),
  };
}

/** Checked before anything is created (temp folder, store, broker): a bad combination leaves nothing behind. */
function checkHubFlags(opts: HubOpts): void {
  if (opts.hub && opts.embedded) throw new CliError('--hub and --embedded: choose one (a running hub, or one in this process)');
  if (!opts.hub && opts.store) throw new CliError('--store only applies with --hub (the embedded hub keeps its store in --dir)');
  if (!opts.hub && opts.hubPubkey) throw new CliError('--hub-pubkey only applies with --hub (the embedded hub\'s key is made for the run)');
  if (opts.hub && opts.serve) throw new CliError('--serve serves the embedded hub\'s page; a running hub serves its own (`fieldproof hub --http`)');
  if (!opts.hub) return;
  if (!opts.store) throw new CliError('--hub: give --store PATH too (that hub\'s SQLite store: the simulated devices\' keys are registered there and the results read back)');
  if (!existsSync(opts.store)) throw new CliError(`--store ${opts.store}: no such file: give the running hub's SQLite store (its store.path), which it creates at start`);
  if (!opts.hubPubkey?.length) throw new CliError('--hub: give --hub-pubkey FILE too (that hub\'s hub.pub: agents free their outboxes only on acks it signs)');
}

/** A file path as given, or a library name (`fog-at-dusk`) resolved in config/scenarios or config/matrices. */
function libraryPath(arg: string, libraryDir: string, what: string): string {
  if (existsSync(arg) || arg.includes('/') || /\.ya?ml$/.test(arg)) return arg;
  const inLibrary = join(libraryDir, `${arg}.yaml`);
  if (existsSync(inLibrary)) return inLibrary;
  const names = readdirSync(libraryDir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5));
  throw new CliError(`${arg}: no such ${what} file, and no ${what} of that name in ${libraryDir} (${names.join(', ')})`);
}

/** Ctrl-C stops after the current samples and drains; a second one (after 2 s) aborts. */
/** With --serve: the run is over, the page stays up (over the finished store) until Ctrl-C. */
async function keepServing(hub: SimHub, stop: StopSignals, quiet: boolean): Promise<void> {
  if (!hub.pageUrl || stop.stopped()) return;
  if (!quiet) process.stderr.write(`reviewer page: ${hub.pageUrl} (the run is over; Ctrl-C stops serving)\n`);
  while (!stop.stopped()) await new Promise((r) => setTimeout(r, 200));
}

function stopOnSignal(): StopSignals {
  return watchStopSignals(() => process.stderr.write('\nstopping: finishing the rows running now and draining to the hub (Ctrl-C again to abort)\n'));
}

function integer(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name}: expected a whole number, got "${v}"`);
    return n;
  };
}

function positiveInteger(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name}: expected a whole number of at least 1, got "${v}"`);
    return n;
  };
}

function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name}: expected a positive number, got "${v}"`);
    return n;
  };
}

function strength(v: string): 2 | 3 {
  if (v !== '2' && v !== '3') throw new InvalidArgumentError(`expected 2 (pairwise) or 3, got "${v}"`);
  return Number(v) as 2 | 3;
}

function protocolVersion(v: string): 4 | 5 {
  if (v !== '4' && v !== '5') throw new InvalidArgumentError(`expected 4 (MQTT 3.1.1) or 5, got "${v}"`);
  return Number(v) as 4 | 5;
}
