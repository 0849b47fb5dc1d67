// The local API as an agent Source: the Unix socket (JSON lines or protobuf frames) and the optional
// loopback UDP listener, both answering through one respond() that dispatches and counts.
import type { LocalApiConfig } from '../../../config/index.js';
import type { Source, SourceContext } from '../source.js';
import { Connection } from './connection.js';
import { Counters } from './counters.js';
import { dispatch } from './dispatch.js';
import { ApiError, asApiError, errorReply, type ApiReply } from './protocol.js';
import { requestFromJson, type Parsed } from './requests.js';
import { listenUnixSocket, type UnixSocketServer } from './socket-server.js';
import { listenUdp, type UdpListener } from './udp-listener.js';

export interface LocalApiSource extends Source {
  /** The bound UDP port while running (undefined when UDP is off). */
  udpPort(): number | undefined;
}

const CAPTURING = new Set(['conditions', 'decision', 'handover', 'marker']);

export function createLocalApiSource(config: LocalApiConfig, ctx: SourceContext): LocalApiSource {
  const counters = new Counters();
  const connections = new Set<Connection>();
  const datagrams = new Set<Promise<void>>();
  let server: UnixSocketServer | undefined;
  let udp: UdpListener | undefined;

  /** One reply per request, never a rejection: whatever goes wrong becomes an error reply. */
  async function respond(parsed: Parsed): Promise<ApiReply> {
    if ('error' in parsed) {
      counters.error(parsed.error.code);
      ctx.log.debug({ code: parsed.error.code, err: parsed.error.message }, 'local API request refused');
      return errorReply(parsed.id, parsed.error);
    }
    const { request } = parsed;
    counters.message(request.type);
    try {
      const reply = await dispatch(request, ctx);
      if ('kept_in_window' in reply) counters.add('kept_in_window');
      else if (CAPTURING.has(request.type)) counters.add('captured');
      return reply;
    } catch (err) {
      const failure = asApiError(err);
      counters.error(failure.code);
      ctx.log[failure.code === 'INTERNAL' ? 'warn' : 'debug']({ type: request.type, code: failure.code, err: failure.message }, 'local API request failed');
      return errorReply(request.id, failure);
    }
  }

  function onDatagram(bytes: Buffer): void {
    counters.add('udp_datagrams');
    counters.add('bytes_in', bytes.length);
    const parsed: Parsed = bytes.length > config.max_message_bytes
      ? { id: null, error: new ApiError('TOO_LARGE', `datagram of ${bytes.length} bytes exceeds max_message_bytes (${config.max_message_bytes})`) }
      : requestFromJson(bytes);
    const done = respond(parsed).then((reply) => {
      if (!reply.ok) counters.add('udp_errors');
    });
    datagrams.add(done);
    void done.then(() => datagrams.delete(done));
  }

  return {
    name: 'local-api',
    async start() {
      server = await listenUnixSocket(config.socket, (socket) => {
        counters.add('connections');
        counters.add('connections_open');
        const connection = new Connection(socket, {
          maxMessageBytes: config.max_message_bytes,
          respond,
          onBytes: (direction, n) => counters.add(direction === 'in' ? 'bytes_in' : 'bytes_out', n),
          log: ctx.log,
        });
        connections.add(connection);
        void connection.closed.then(() => {
          connections.delete(connection);
          counters.add('connections_open', -1);
        });
      });
      if (config.udp_port > 0) {
        try {
          udp = await listenUdp(config.udp_host, config.udp_port, onDatagram);
        } catch (err) {
          await server.close();
          server = undefined;
          throw err;
        }
      }
      ctx.log.info({ socket: config.socket, udp: udp ? `${config.udp_host}:${udp.port}` : 'off' }, 'local API listening');
    },
    async stop() {
      const closing = server?.close();
      await udp?.close();
      await Promise.all([...connections].map((c) => c.stop()));
      await Promise.all(datagrams);
      await closing;
      server = undefined;
      udp = undefined;
    },
    counters: () => counters.snapshot(),
    udpPort: () => udp?.port,
  };
}
