// explainConnectError: every way an MQTT connection fails becomes one line naming the broker, the cause and the
// config key to change; checked on the errors mqtt.js really raises (aedes refusing MQTT 5, a closed port) and on a table.
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { explainConnectError, isRetryableConnectError, type ConnectErrorLike } from '../agent/uplink/connect-errors.js';
import { startEmbeddedBroker } from '../hub/index.js';
import { reservePort } from './helpers/tcp-proxy.js';

/** The first 'error' mqtt.js emits connecting to `url`, with reconnection off. */
function firstError(url: string, protocolVersion: 4 | 5): Promise<Error> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { protocolVersion, reconnectPeriod: 0, connectTimeout: 5000 });
    client.once('error', (err) => {
      client.end(true);
      resolve(err);
    });
  });
}

describe('explainConnectError on real mqtt.js errors', () => {
  it('names an MQTT 5 client refused by the embedded broker (aedes, 3.1.1 only) and says to set protocol_version: 4', async () => {
    const broker = await startEmbeddedBroker({ port: 0 });
    try {
      const err = await firstError(broker.url, 5);
      const line = explainConnectError(err, broker.url, 5);
      expect(line).toBe(`cannot connect to MQTT broker ${broker.url}: the broker refused MQTT 5 ("Unacceptable protocol version"): `
        + 'it speaks MQTT 3.1.1 only, as the embedded broker (aedes) does; set mqtt.protocol_version: 4');
      expect(isRetryableConnectError(err)).toBe(false);
    } finally {
      await broker.close();
    }
  });

  it('names a closed port (ECONNREFUSED) with its host and port, and counts it as retryable', async () => {
    const url = `mqtt://127.0.0.1:${await reservePort()}`;
    const err = await firstError(url, 4);
    const line = explainConnectError(err, url, 4);
    expect(line).toBe(`cannot connect to MQTT broker ${url}: nothing accepts connections at ${url.slice('mqtt://'.length)} (ECONNREFUSED): `
      + 'start the broker there (or the hub with --embedded-broker), or fix the host and port in mqtt.url');
    expect(isRetryableConnectError(err)).toBe(true);
  });
});

/** An Error shaped like mqtt.js's ErrorWithReasonCode or node's system errors. */
function failure(message: string, code?: string | number): ConnectErrorLike {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('explainConnectError', () => {
  const url = 'mqtts://broker.example:8883';
  it.each<[string, ConnectErrorLike, 4 | 5, RegExp, boolean]>([
    ['MQTT 5 reason 0x84', failure('Connection refused: Unsupported Protocol Version', 132), 5, /refused MQTT 5 .*set mqtt\.protocol_version: 4$/, false],
    ['MQTT 3.1.1 refused', failure('Connection refused: Unacceptable protocol version', 1), 4, /refused MQTT 3\.1\.1 .*set mqtt\.protocol_version: 5$/, false],
    ['the message alone', failure('Connection refused: Unacceptable protocol version'), 5, /refused MQTT 5/, false],
    ['bad credentials', failure('Connection refused: Bad username or password', 4), 4, /bad user name or password .*check mqtt\.username and mqtt\.password$/, false],
    ['MQTT 5 not authorized', failure('Connection refused: Not authorized', 135), 5, /not authorized .*broker's ACL$/, false],
    ['client id rejected', failure('Connection refused: Identifier rejected', 2), 4, /client id .*mqtt\.client_id/, false],
    ['server busy', failure('Connection refused: Server busy', 137), 5, /up but not taking connections .*reason code 137/, true],
    ['an unknown name', failure('getaddrinfo ENOTFOUND broker.example', 'ENOTFOUND'), 4, /cannot resolve the host name "broker\.example" \(ENOTFOUND\): fix the host in mqtt\.url/, true],
    ['no route', failure('connect EHOSTUNREACH 10.0.0.9:8883', 'EHOSTUNREACH'), 4, /broker\.example:8883 is unreachable \(EHOSTUNREACH\)/, true],
    ['a self-signed certificate', failure('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 4, /not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\): set mqtt\.ca_file/, false],
    ['an expired certificate', failure('certificate has expired', 'CERT_HAS_EXPIRED'), 4, /validity period .*clock$/, false],
    ['a certificate for another host', failure("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), 4, /does not name "broker\.example"/, false],
    ['TLS to a plain port', failure('write EPROTO C0D7:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', 'EPROTO'), 4, /does not speak TLS .*use mqtt:\/\/ for a plain port/, false],
    ['a plain port closing a TLS handshake', failure('Client network socket disconnected before secure TLS connection was established', 'ECONNRESET'), 4, /TLS: .* closed the connection during the handshake/, false],
    ['no CONNACK in time', failure('connack timeout'), 4, /no CONNACK within mqtt\.connect_timeout_ms/, true],
  ])('%s', (_what, err, v, expected, retryable) => {
    const line = explainConnectError(err, url, v);
    expect(line.startsWith(`cannot connect to MQTT broker ${url}: `), line).toBe(true);
    expect(line).toMatch(expected);
    expect(line).not.toContain('\n');
    expect(isRetryableConnectError(err)).toBe(retryable);
  });

  it('keeps an unknown error\'s own words, with its code', () => {
    expect(explainConnectError(failure('something odd', 'EWHATEVER'), 'mqtt://h', 4)).toBe('cannot connect to MQTT broker mqtt://h: something odd (EWHATEVER)');
  });
});
