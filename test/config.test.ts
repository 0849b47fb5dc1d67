// Agent config loading from real files: every problem reported at once as `file:line: key: message, got X`
// (wrong type, missing, unknown, bad URL, quota, YAML syntax); relative paths resolved; the example loads.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAgentConfig, MIN_QUOTA_BYTES } from '../config/agent-config.js';
import { ConfigError } from '../config/load.js';
import { useTempDirs } from './helpers/temp-dir.js';

const tempDir = useTempDirs();
const EXAMPLE = fileURLToPath(new URL('../config/agent.example.yaml', import.meta.url));
const VALID = 'device_id: ugv-01\nkey_file: keys/device.key\noutbox:\n  path: data/outbox.db\n';

/** Writes `text` as DIR/agent.yaml in a fresh temp folder and returns its path. */
function configFile(text: string, name = 'agent.yaml'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

/** The problems loadAgentConfig reports for `text`. */
function problemsOf(text: string): { file: string; problems: string[]; error: ConfigError } {
  const file = configFile(text);
  try {
    loadAgentConfig(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const error = err as ConfigError;
    expect(error).toMatchObject({ code: 'CONFIG', permanent: true, file });
    return { file, problems: error.problems, error };
  }
  throw new Error('expected the config to be refused');
}

describe('config problems name file, line and key', () => {
  it('a value of the wrong type', () => {
    const { file, problems } = problemsOf(`${VALID}  quota_bytes: "a lot"\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${file}:5: outbox\\.quota_bytes: .*expected number.*, got "a lot"$`));
  });

  it('a missing key', () => {
    const { file, problems } = problemsOf('key_file: k\noutbox:\n  path: o.db\n');
    expect(problems).toEqual([`${file}:1: device_id: Invalid input: expected string, received undefined (missing)`]);
  });

  it('a missing section', () => {
    const { problems } = problemsOf('device_id: ugv-01\nkey_file: k\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/: outbox: .*expected object.*\(missing\)$/);
  });

  it('an unknown (misspelt) key, by name, nested and at the top', () => {
    const nested = problemsOf(`${VALID}  quota_byte: 2000000\n`);
    expect(nested.problems).toEqual([`${nested.file}:5: outbox: Unrecognized key: "quota_byte"`]);
    const top = problemsOf(`${VALID}sael:\n  max_records: 10\n`);
    expect(top.problems).toEqual([`${top.file}:5: Unrecognized key: "sael"`]);
  });

  it('an MQTT URL without a scheme', () => {
    const { file, problems } = problemsOf(`${VALID}mqtt:\n  url: localhost\n`);
    expect(problems).toEqual([`${file}:6: mqtt.url: expected mqtt:// or mqtts:// URL, got "localhost"`]);
  });

  it('a quota below 1048576 bytes, while 1048576 itself is fine', () => {
    const { file, problems } = problemsOf(`${VALID}  quota_bytes: 1048575\n`);
    expect(problems).toEqual([`${file}:5: outbox.quota_bytes: must be at least 1048576, got 1048575`]);
    expect(loadAgentConfig(configFile(`${VALID}  quota_bytes: ${MIN_QUOTA_BYTES}\n`)).outbox.quota_bytes).toBe(MIN_QUOTA_BYTES);
  });

  it('a device id that cannot be an MQTT topic level', () => {
    const { file, problems } = problemsOf(VALID.replace('ugv-01', 'fleet/ugv-01'));
    expect(problems[0]).toBe(`${file}:1: device_id: expected 1-64 characters of letters, digits, ".", "_" or "-" (no "/", "+", "#": it becomes an MQTT topic level), got "fleet/ugv-01"`);
  });

  it('YAML syntax errors, with line and column', () => {
    const tab = problemsOf('device_id: ugv-01\nkey_file: k\noutbox:\n\tpath: o.db\n');
    expect(tab.problems).toEqual([`${tab.file}:4:1: invalid YAML: Tabs are not allowed as indentation`]);
    const compact = problemsOf(`${VALID}seal: max_records: 5\n`);
    expect(compact.problems[0]).toMatch(new RegExp(`^${compact.file}:5:\\d+: invalid YAML: `));
    const quote = problemsOf('device_id: "ugv-01\nkey_file: k\n');
    expect(quote.problems[0]).toMatch(new RegExp(`^${quote.file}:\\d+:\\d+: invalid YAML: Missing closing "quote`));
    const duplicate = problemsOf(`${VALID}device_id: ugv-02\n`);
    expect(duplicate.problems).toEqual([`${duplicate.file}:5:1: invalid YAML: Map keys must be unique`]);
  });

  it('several problems together, each on its own line', () => {
    const { file, problems, error } = problemsOf([
      'device_id: "ugv/01"',
      'key_file: 7',
      'outbox:',
      '  path: o.db',
      '  quota_bytes: 10',
      'seal:',
      '  max_record: 5',
      'mqtt:',
      '  url: localhost',
      '',
    ].join('\n'));
    expect(problems).toHaveLength(5);
    expect(problems.map((p) => p.slice(file.length).split(':').slice(0, 3).join(':'))).toEqual([
      ':1: device_id', ':2: key_file', ':5: outbox.quota_bytes', ':7: seal', ':9: mqtt.url',
    ]);
    expect(problems[1]).toMatch(/expected string, received number, got 7$/);
    expect(error.message).toBe(`${file}: 5 problems:\n  ${problems.join('\n  ')}`);
  });

  it('a file that does not exist', () => {
    const file = join(tempDir(), 'nope.yaml');
    expect(() => loadAgentConfig(file)).toThrow(`${file}: cannot read config (no such file)`);
  });
});

describe('loading a valid config', () => {
  it('resolves relative paths from the config file\'s folder, not the working directory', () => {
    const file = configFile([
      'device_id: ugv-01',
      'key_file: ../keys/ugv-01/device.key',
      'outbox:',
      '  path: data/outbox.db',
      'mqtt:',
      '  url: mqtts://broker.example:8883',
      '  ca_file: tls/ca.pem',
      '  cert_file: /etc/fieldproof/cert.pem',
      '',
    ].join('\n'), 'agent.yaml');
    const dir = dirname(file);
    expect(process.cwd()).not.toBe(dir);
    const config = loadAgentConfig(file);
    expect(config.key_file).toBe(resolve(dir, '../keys/ugv-01/device.key'));
    expect(config.outbox.path).toBe(join(dir, 'data', 'outbox.db'));
    expect(config.mqtt.ca_file).toBe(join(dir, 'tls', 'ca.pem'));
    expect(config.mqtt.cert_file).toBe('/etc/fieldproof/cert.pem');
    expect(config.mqtt.key_file).toBeUndefined();
  });

  it('resolves from the config folder when given a relative config path too', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'agent.yaml'), VALID);
    const relativeFile = relative(process.cwd(), join(dir, 'conf', 'agent.yaml'));
    expect(relativeFile.startsWith('/')).toBe(false);
    expect(loadAgentConfig(relativeFile).outbox.path).toBe(join(dir, 'conf', 'data', 'outbox.db'));
  });

  it('fills in the documented defaults', () => {
    const config = loadAgentConfig(configFile(VALID));
    expect(config.outbox).toMatchObject({ quota_bytes: 1024 * MIN_QUOTA_BYTES, sync: 'normal' });
    expect(config.seal).toEqual({ max_records: 1000, max_age_ms: 1000 });
    expect(config.mqtt).toMatchObject({ url: 'mqtt://127.0.0.1:1883', protocol_version: 5, keepalive_s: 30 });
    expect(config.provenance.source).toBe('field');
  });

  it('config/agent.example.yaml itself loads', () => {
    const config = loadAgentConfig(EXAMPLE);
    expect(config.device_id).toBe('ugv-01');
    expect(config.key_file).toBe(resolve(dirname(EXAMPLE), '../keys/ugv-01/device.key'));
    expect(config.outbox.path).toBe(resolve(dirname(EXAMPLE), '../data/ugv-01/outbox.db'));
    expect(config.outbox.quota_bytes).toBeGreaterThanOrEqual(MIN_QUOTA_BYTES);
  });
});
