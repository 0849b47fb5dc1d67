#!/usr/bin/env -S node --max-semi-space-size=4 --no-allocation-site-pretenuring --heap-growing-percent=25 --v8-pool-size=1
// The one CLI: `fieldproof <command>`. Thin wiring only; each command lives in bin/commands/.
import { Command } from 'commander';
import { agentVersion, reportError, usageText } from './cli-support.js';
import { registerAgent } from './commands/agent.js';
import { registerCapture } from './commands/capture.js';
import { registerDemo } from './commands/demo.js';
import { registerHub } from './commands/hub.js';
import { registerSim } from './commands/sim.js';
import { registerKeygen } from './commands/keygen.js';
import { registerOutbox } from './commands/outbox.js';
import { registerVerify } from './commands/verify.js';

const program = new Command('fieldproof')
  .description('Sealed, hash-chained field evidence: agent, hub and simulator for robots and UAVs.')
  .version(agentVersion())
  .option('--debug', 'print the stack trace of an unexpected error (as FIELDPROOF_DEBUG=1 does)')
  // Options after a subcommand belong to it: `hub -c A` and `hub devices add -c B` do not collide.
  .enablePositionalOptions()
  // A usage error is one line: the flag, what was expected, what was given, and where help is.
  .configureOutput({ outputError: (text, write) => write(`fieldproof: ${usageText(text)} (run with --help for usage)\n`) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
program.on('option:debug', () => { process.env.FIELDPROOF_DEBUG = '1'; });

// Whatever escapes a command (a library's callback, a bug) is one line too; the stack only when debugging.
process.on('uncaughtException', (err) => {
  reportError(err);
  process.exit(1);
});

registerKeygen(program);
registerCapture(program);
registerOutbox(program);
registerVerify(program);
(await import('./commands/export.js')).registerExport(program);
registerAgent(program);
registerHub(program);
registerDemo(program);
registerSim(program);
(await import('./commands/report.js')).registerReport(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  reportError(err);
  process.exitCode = 2;
}
// A command that failed is done: a handle its cleanup missed (a socket, a library's timer) must not keep a daemon
// that could not start alive, or systemd's Restart= never fires. Unref'd, so a process that can exit is not held.
if (process.exitCode) setTimeout(() => process.exit(), 1000).unref();
