// `fieldproof agent --config FILE`: runs the agent daemon (outbox, uplink; sources from Step 3).
// Logs JSON lines (pino); SIGTERM/SIGINT stop it cleanly with nothing lost.
import type { Command } from 'commander';
import { loadAgentConfig } from '../../config/index.js';
import { mqttUrl, wholeNumber } from '../cli-options.js';
import { action } from '../cli-support.js';
import { runUntilSignal } from '../run-until-signal.js';
import { missingNodeFlags } from '../runtime-flags.js';

export function registerAgent(program: Command): void {
  program.command('agent')
    .description('run the agent daemon: durable outbox, sealing, MQTT uplink to the hub, metrics')
    .requiredOption('-c, --config <file>', 'agent config (YAML); see config/agent.example.yaml')
    .option('--mqtt <url>', 'override mqtt.url', mqttUrl('--mqtt'))
    .option('--drain-ms <ms>', 'on stop, wait this long for the hub to acknowledge what is unsent', wholeNumber('--drain-ms'), 2000)
    .action(action(async (opts: { config: string; mqtt?: string; drainMs: number }) => {
      const config = loadAgentConfig(opts.config);
      if (opts.mqtt) config.mqtt.url = opts.mqtt;
      const { Agent } = await import('../../agent/index.js');
      const agent = await Agent.start(config);
      const missing = missingNodeFlags();
      if (missing.length) {
        agent.log.warn({ missing }, 'node started without fieldproof\'s flags: expect about 1.5x the memory under load; run `fieldproof agent` itself, or pass them to node (README, Running an agent and a hub)');
      }
      await runUntilSignal(async (signal) => {
        agent.log.info({ signal }, 'stopping');
        await agent.stop({ drainMs: opts.drainMs });
      });
    }));
}
