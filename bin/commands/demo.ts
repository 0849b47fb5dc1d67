// `fieldproof demo` (`npm start`): the whole system on one machine with no external service.
// Runs until Ctrl-C or --duration; prints a live status line and a summary (--json for machines).
import type { Command } from 'commander';
import { listenAddress, LOG_LEVELS, oneOf, positiveNumber, wholeNumber } from '../cli-options.js';
import { action, EXIT_FAILED, EXIT_OK, printJson } from '../cli-support.js';
import { watchStopSignals } from '../run-until-signal.js';

export function registerDemo(program: Command): void {
  program.command('demo')
    .description('run an embedded broker, a hub and simulated agents end to end; Ctrl-C or --duration to finish')
    .option('--duration <s>', 'stop after this many seconds (default: run until Ctrl-C)', positiveNumber('--duration'))
    .option('--agents <n>', 'how many simulated agents', wholeNumber('--agents', 1), 3)
    .option('--rate <n>', 'conditions records per second per agent', positiveNumber('--rate'), 200)
    .option('--dir <path>', 'where to keep keys, outboxes and the hub store (default: a new temp folder)')
    .option('--log-level <level>', 'agent and hub log level (JSON logs go to stdout)', oneOf('--log-level', LOG_LEVELS), 'silent')
    .option('--http <[host:]port>', 'serve the reviewer page here while the demo runs (default 127.0.0.1:8080, or any free port when 8080 is taken)', listenAddress('--http'))
    .option('--no-http', 'no reviewer page')
    .option('--json', 'print the summary as JSON', false)
    .action(action(async (opts: { duration?: number; agents: number; rate: number; dir?: string; logLevel: string; json: boolean; http?: { host: string; port: number } | false }) => {
      const { duration: durationS, agents, rate } = opts;
      const tty = process.stderr.isTTY;
      const stopSignal = new Promise<void>((resolve) => {
        watchStopSignals(() => {
          process.stderr.write('\nstopping: draining outboxes to the hub (Ctrl-C again to abort)\n');
          resolve();
        });
      });
      if (!opts.json) process.stderr.write(`fieldproof demo: ${agents} agents x ${rate} records/s${durationS ? ` for ${durationS}s` : ' until Ctrl-C'}\n`);
      const { runDemo } = await import('../demo/run-demo.js');
      const run = (http: { host: string; port: number } | undefined) => runDemo({
        agents, ratePerAgent: rate, durationS, dir: opts.dir, logLevel: opts.logLevel, stopSignal, http,
        onStarted: ({ pageUrl, store }) => {
          if (pageUrl) process.stderr.write(`reviewer page: ${pageUrl}  (read-only; Ctrl-C stops the demo)\n`);
          process.stderr.write(`hub store: ${store}\n`);
        },
        onStatus: (line) => process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`),
      });
      const explicit = opts.http !== undefined && opts.http !== false;
      let summary;
      try {
        summary = await run(opts.http === false ? undefined : opts.http || { host: '127.0.0.1', port: 8080 });
      } catch (err) {
        if (explicit || opts.http === false || (err as { code?: string }).code !== 'EADDRINUSE') throw err;
        process.stderr.write('127.0.0.1:8080 is taken: serving the reviewer page on a free port instead\n');
        summary = await run({ host: '127.0.0.1', port: 0 });
      }
      if (tty) process.stderr.write('\n');
      if (opts.json) printJson(summary);
      else {
        process.stdout.write([
          `demo ${summary.ok ? 'OK' : 'FAILED'} after ${summary.durationS}s with ${summary.devices} agents (broker ${summary.broker})`,
          `  captured       ${summary.captured} records (${summary.decisions} decisions, ${summary.handovers} handover records)`,
          `  stored at hub  ${summary.storedAtHub}`,
          `  verified       ${summary.verified} (every seal and chain link re-checked from the raw segments)`,
          `  rejected       ${summary.rejected}`,
          `  unexplained    ${summary.unexplainedGaps} gaps`,
          `  undelivered    ${summary.undelivered}${summary.undelivered ? ' (still in the outboxes: the hub had not confirmed them when the drain timed out)' : ''}`,
          `  lost           ${summary.lost}`,
          `  files in       ${summary.dir}`,
          `  reports        fieldproof report coverage --store ${summary.store}  (also drift, handovers, decisions, devices)`,
          '',
        ].join('\n'));
      }
      return summary.ok ? EXIT_OK : EXIT_FAILED;
    }));
}
