#!/usr/bin/env -S node --max-semi-space-size=4 --no-allocation-site-pretenuring --heap-growing-percent=25 --v8-pool-size=1
// The one CLI: `fieldproof <command>`. Thin wiring only; each command lives in bin/commands/.
import { Command } from 'commander';
import { agentVersion } from './cli-support.js';
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
  .showHelpAfterError('(run with --help for usage)')
  // Options after a subcommand belong to it: `hub -c A` and `hub devices add -c B` do not collide.
  .enablePositionalOptions()
  .configureOutput({ outputError: (text, write) => write(`fieldproof: ${text.replace(/^error: /, '')}`) })
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerKeygen(program);
registerCapture(program);
registerOutbox(program);
registerVerify(program);
registerAgent(program);
registerHub(program);
registerDemo(program);
registerSim(program);

await program.parseAsync(process.argv);
