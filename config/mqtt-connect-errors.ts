// Why an MQTT connection failed, in one line that names the broker, the cause and the config key to fix.
// Pure, shared by the agent's uplink and the hub's link (they never import each other): no mqtt import, only error shapes.

/** What mqtt.js and node hand to an 'error' listener: a CONNACK refusal carries a numeric code, a socket error a string one. */
export interface ConnectErrorLike {
  message: string;
  code?: unknown;
}

/** CONNACK return codes (MQTT 3.1.1) and reason codes (MQTT 5) that a later attempt may get past. */
const RETRYABLE_REFUSALS = new Set([3, 136, 137, 159]);
/** Socket errors worth another attempt: the broker or the network may come up. */
const RETRYABLE_SOCKET = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ECONNRESET', 'ECONNABORTED', 'EPIPE']);
const UNTRUSTED_CERT = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE',
]);

/** `cannot connect to MQTT broker URL: cause (code): what to do`, for a connection attempt that failed. */
export function explainConnectError(err: ConnectErrorLike, url: string, protocolVersion: 4 | 5): string {
  return `cannot connect to MQTT broker ${url}: ${cause(err, url, protocolVersion)}`;
}

/** True when trying again may succeed (broker down, network, busy); false for a refusal or TLS problem only config fixes. */
export function isRetryableConnectError(err: ConnectErrorLike): boolean {
  if (typeof err.code === 'number') return RETRYABLE_REFUSALS.has(err.code);
  if (typeof err.code === 'string') return RETRYABLE_SOCKET.has(err.code) && !/TLS|SSL/.test(err.message);
  return /connack timeout/i.test(err.message);
}

function cause(err: ConnectErrorLike, url: string, v: 4 | 5): string {
  const { host, hostPort } = where(url);
  const code = err.code;
  const quoted = `"${err.message.replace(/^Connection refused: /, '')}"`;
  if (typeof code === 'number' || /protocol version/i.test(err.message)) {
    const rc = typeof code === 'number' ? code : 1;
    if (rc === 1 || rc === 132) {
      return v === 5
        ? `the broker refused MQTT 5 (${quoted}): it speaks MQTT 3.1.1 only, as the embedded broker (aedes) does; set mqtt.protocol_version: 4`
        : `the broker refused MQTT 3.1.1 (${quoted}): set mqtt.protocol_version: 5`;
    }
    if (rc === 2 || rc === 133) return `the broker rejected the client id (${quoted}): set mqtt.client_id to a unique id of letters and digits, or leave it out`;
    if (rc === 4 || rc === 134) return `bad user name or password (${quoted}): check mqtt.username and mqtt.password`;
    if (rc === 5 || rc === 135) {
      return `not authorized (${quoted}): the broker refuses this client; check mqtt.username and mqtt.password, the client certificate (mqtt.cert_file, mqtt.key_file) and the broker's ACL`;
    }
    if (rc === 138) return `the broker has banned this client (${quoted}): ask the broker's operator`;
    if (RETRYABLE_REFUSALS.has(rc)) return `the broker is up but not taking connections (${quoted}, reason code ${rc}): check the broker's log`;
    return `the broker refused the connection (${quoted}, reason code ${rc}): check the broker's log`;
  }
  const c = typeof code === 'string' ? code : undefined;
  if (c === 'ECONNREFUSED') return `nothing accepts connections at ${hostPort} (ECONNREFUSED): start the broker there (or the hub with --embedded-broker), or fix the host and port in mqtt.url`;
  if (c === 'ENOTFOUND' || c === 'EAI_AGAIN') return `cannot resolve the host name "${host}" (${c}): fix the host in mqtt.url, or this machine's DNS`;
  if (c && ['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN'].includes(c)) {
    return `${hostPort} is unreachable (${c}): check the network, the address in mqtt.url and any firewall between`;
  }
  if (c && UNTRUSTED_CERT.has(c)) return `TLS: the broker's certificate is not trusted (${c}): set mqtt.ca_file to the CA certificate that signed it`;
  if (c === 'CERT_HAS_EXPIRED' || c === 'CERT_NOT_YET_VALID') return `TLS: the broker's certificate is outside its validity period (${c}): renew it, or check this machine's clock`;
  if (c === 'ERR_TLS_CERT_ALTNAME_INVALID') return `TLS: the broker's certificate does not name "${host}" (${c}): put a host name the certificate names in mqtt.url`;
  if (/wrong version number|packet length too long|http request/i.test(err.message)) {
    return `TLS: ${hostPort} does not speak TLS (${c ?? err.message}): use mqtt:// for a plain port, or the broker's TLS port (usually 8883)`;
  }
  if (/certificate required/i.test(err.message)) return `TLS: the broker requires a client certificate (${c ?? err.message}): set mqtt.cert_file and mqtt.key_file`;
  if ((c === 'ECONNRESET' || c === 'EPIPE') && /TLS|SSL/.test(err.message)) {
    return `TLS: ${hostPort} closed the connection during the handshake (${c}): is it a TLS port? use mqtt:// for a plain one`;
  }
  if (c === 'ECONNRESET' || c === 'EPIPE' || c === 'ECONNABORTED') {
    return `${hostPort} closed the connection before answering (${c}): is it an MQTT broker, and does mqtt.url say mqtts:// for a TLS port and mqtt:// for a plain one?`;
  }
  if (c && (c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_') || c.includes('CERT'))) {
    return `TLS: ${err.message} (${c}): check mqtt.ca_file, mqtt.cert_file and mqtt.key_file`;
  }
  if (/connack timeout/i.test(err.message)) {
    return `no CONNACK within mqtt.connect_timeout_ms: is ${hostPort} an MQTT broker (a TLS port needs mqtts://), and is it overloaded?`;
  }
  return c && !err.message.includes(c) ? `${err.message} (${c})` : err.message;
}

const DEFAULT_PORTS: Record<string, string> = { mqtt: '1883', tcp: '1883', mqtts: '8883', ssl: '8883', ws: '80', wss: '443' };

function where(url: string): { host: string; hostPort: string } {
  try {
    const u = new URL(url);
    const scheme = u.protocol.replace(/:$/, '');
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
    return { host, hostPort: `${u.hostname}:${u.port || DEFAULT_PORTS[scheme] || '?'}` };
  } catch {
    return { host: url, hostPort: url };
  }
}
