// Parsers for the CLI's numeric, enum and URL flags: commander runs them before any command body, so a bad
// value is a one-line usage error (exit 2) naming the flag, the way config errors name the key.
import { InvalidArgumentError } from 'commander';
import { mqttUrlSchema } from '../config/common.js';

/** pino's levels, as the config's log.level takes them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A TCP port, 0-65535 (0: the system picks a free one). */
export function port(flag: string) {
  return (value: string): number => {
    const n = strictNumber(value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`${flag}: expected a TCP port 0-65535, got "${value}"`);
    return n;
  };
}

/** A whole number of at least `min`. */
export function wholeNumber(flag: string, min = 0) {
  return (value: string): number => {
    const n = strictNumber(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag}: expected a whole number of at least ${min}, got "${value}"`);
    return n;
  };
}

/** A number greater than 0 (fractions allowed). */
export function positiveNumber(flag: string) {
  return (value: string): number => {
    const n = strictNumber(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag}: expected a positive number, got "${value}"`);
    return n;
  };
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(flag: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`${flag}: expected one of ${choices.join(', ')}, got "${value}"`);
    return value as T;
  };
}

/** A broker URL, checked as the config's mqtt.url is. */
export function mqttUrl(flag: string) {
  return (value: string): string => {
    if (!mqttUrlSchema.safeParse(value).success) {
      throw new InvalidArgumentError(`${flag}: expected an mqtt:// or mqtts:// URL such as mqtt://127.0.0.1:1883, got "${value}"`);
    }
    return value;
  };
}

/** An HTTP listen address: PORT (on 127.0.0.1), HOST:PORT or [IPv6]:PORT. */
export function listenAddress(flag: string) {
  return (value: string): { host: string; port: number } => {
    const m = /^(?:\[([^\]]+)\]:|([^:]+):)?(\d+)$/.exec(value.trim());
    const n = m ? Number(m[3]) : Number.NaN;
    if (!m || n > 65535) throw new InvalidArgumentError(`${flag}: expected PORT, HOST:PORT or [IPv6]:PORT such as 127.0.0.1:8080, got "${value}"`);
    return { host: m[1] ?? m[2] ?? '127.0.0.1', port: n };
  };
}

/** Number('') and Number(' ') are 0: an empty value is not a number here. */
function strictNumber(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}
