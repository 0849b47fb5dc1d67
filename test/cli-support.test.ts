// The CLI's error wording: a commander usage error collapses to `--flag: what was expected`, and a schema error
// (zod) reads `path: message` per issue, as config files report them, never as its JSON dump.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorText, usageText } from '../bin/cli-support.js';

describe('usageText', () => {
  it('drops commander\'s "argument is invalid" preamble, naming the flag once', () => {
    expect(usageText('error: option \'--port <n>\' argument \'abc\' is invalid. --port: expected a TCP port 0-65535, got "abc"\n'))
      .toBe('--port: expected a TCP port 0-65535, got "abc"');
    expect(usageText('error: option \'-s, --strength <t>\' argument \'4\' is invalid. expected 2 (pairwise) or 3, got "4"\n'))
      .toBe('--strength: expected 2 (pairwise) or 3, got "4"');
    expect(usageText('error: command-argument value \'x\' is invalid for argument \'count\'. expected a number\n')).toBe('<count>: expected a number');
  });

  it('leaves other commander messages as they are, without "error: "', () => {
    expect(usageText('error: unknown option \'--bogus\'\n')).toBe('unknown option \'--bogus\'');
  });
});

describe('errorText', () => {
  it('formats a zod error as path: message per issue, on one line', () => {
    const schema = z.strictObject({ mqtt: z.strictObject({ url: z.string().startsWith('mqtt://', { message: 'expected mqtt:// URL' }), port: z.number() }) });
    const result = schema.safeParse({ mqtt: { url: 'localhost:1', port: 'x' } });
    expect(result.success).toBe(false);
    const text = errorText(result.error!);
    expect(text).toBe('mqtt.url: expected mqtt:// URL; mqtt.port: Invalid input: expected number, received string');
    expect(result.error!.message).toMatch(/^\[/); // what used to be printed: the issues as JSON
  });

  it('passes any other error\'s message through', () => {
    expect(errorText(new Error('outbox.path: no such folder'))).toBe('outbox.path: no such folder');
  });
});
