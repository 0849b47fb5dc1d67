// `fieldproof capture --config FILE KIND JSON`: appends one record through the agent's outbox.
// Safe beside a running agent: both commit through SQLite transactions on the same chain head.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadAgentConfig } from '../../config/index.js';
import { bodyFromJson, toHex, BODY_KINDS } from '../../proto/index.js';
import { readDeviceKey } from '../../proto/node.js';
import { action, CliError, printJson } from '../cli-support.js';

export function registerCapture(program: Command): void {
  program.command('capture')
    .description(`append one record to the outbox; KIND is one of ${BODY_KINDS.filter((k) => k !== 'boot' && k !== 'gap').join(', ')}`)
    .argument('<kind>', 'record kind, e.g. conditions, handover, decision, marker')
    .argument('<json>', 'the body as JSON (snake_case or camelCase keys, enum names as strings), or - to read stdin')
    .requiredOption('-c, --config <file>', 'agent config (YAML)')
    .option('--json', 'print a JSON object instead of text', false)
    .addHelpText('after', `
Examples:
  fieldproof capture -c agent.yaml conditions '{"weather":{"precipitation":"RAIN","precipitation_mm_h":4.2},"lighting":{"lux":300}}'
  fieldproof capture -c agent.yaml handover '{"from_mode":"AUTO.MISSION","to_mode":"POSCTL","initiator":"OPERATOR","phase":"ACCEPTED","reason":"fog"}'
  fieldproof capture -c agent.yaml decision '{"verdict":"NO_GO","risk_level":"high","criteria":[{"name":"min_lux","value":40,"comparator":"GE","threshold":100,"pass":false}]}'`)
    .action(action(async (kind: string, text: string, opts: { config: string; json: boolean }) => {
      if (kind === 'boot' || kind === 'gap') throw new CliError(`${kind} records are written by the agent itself, not captured by hand`);
      let json: unknown;
      const source = text === '-' ? readFileSync(0, 'utf8') : text;
      try {
        json = JSON.parse(source);
      } catch (err) {
        throw new CliError(`JSON body: ${(err as Error).message}`);
      }
      const body = bodyFromJson(kind, json);
      const config = loadAgentConfig(opts.config);
      const key = await readDeviceKey(config.key_file);
      const { Outbox, priorityName, priorityOf } = await import('../../agent/outbox/index.js');
      const outbox = Outbox.open({
        path: config.outbox.path, deviceId: config.device_id, key, quotaBytes: config.outbox.quota_bytes,
        sync: config.outbox.sync, sealMaxRecords: config.seal.max_records, sealMaxAgeMs: config.seal.max_age_ms, sealTimer: false,
      });
      try {
        const { seq, hash } = await outbox.append(body);
        const priority = priorityName(priorityOf(body));
        if (opts.json) printJson({ deviceId: config.device_id, seq, hash: toHex(hash), priority });
        else process.stdout.write(`committed ${kind} as seq ${seq} (${priority}) in ${config.outbox.path}\n`);
      } finally {
        outbox.close();
      }
    }));
}
