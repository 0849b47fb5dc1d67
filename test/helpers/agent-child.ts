// Fixture process for crash tests: starts a real Agent from a config file and captures the mixed stream,
// printing `seq N` only after that record's append has resolved (it is committed to the outbox).
// Appends go straight to the outbox at each body's own priority, as in the other e2e scenarios.
// Usage: agent-child.ts CONFIG COUNT [--drain]   COUNT records (or "forever"); --drain: stop and wait for every ack.
import { Agent, createLogger } from '../../agent/index.js';
import { loadAgentConfig } from '../../config/index.js';
import { mixedBody } from './e2e-bodies.js';

const [configFile, countArg, mode] = process.argv.slice(2);
const count = countArg === 'forever' ? Infinity : Number(countArg);
const config = loadAgentConfig(configFile);
const agent = await Agent.start(config, { logger: createLogger(process.env.FIELDPROOF_TEST_LOG ?? 'silent') });
const out = (line: string) => process.stdout.write(`${line}\n`);
out(`boot ${agent.bootSeq}`);

// Carries on the stream where the outbox left off, so a restarted child captures new indexes.
let i = agent.bootSeq;
let captured = 0;
while (captured < count) {
  const appends: Promise<void>[] = [];
  for (let k = 0; k < 20 && captured < count; k++, captured++, i++) {
    appends.push(agent.outbox.append(mixedBody(i).body).then((a) => { out(`seq ${a.seq}`); }));
  }
  await Promise.all(appends);
  await new Promise((r) => setTimeout(r, 2));
}
out(`captured ${captured} head ${agent.outbox.headSeq()}`);
if (mode === '--drain') {
  agent.outbox.sealIfDue(true);
  const head = agent.outbox.headSeq();
  const drained = await agent.uplink!.drain(60_000);
  await agent.stop();
  if (!drained) {
    process.stderr.write(`not every record was acknowledged within 60 s (head ${head})\n`);
    process.exit(1);
  }
  out(`stopped head ${head}`);
}
