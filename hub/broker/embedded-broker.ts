// The embedded MQTT broker (aedes, MQTT 3.1.1) for one-machine setups and the demo.
// The only file that touches aedes. Listens on loopback by default.
import { Aedes } from 'aedes';
import { createServer, type Server } from 'node:net';

export interface EmbeddedBroker {
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(options: { host?: string; port?: number } = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  // noDelay: the broker forwards acks and small critical segments at once, not after a delayed ACK.
  const server: Server = createServer({ noDelay: true }, broker.handle);
  const port = options.port ?? 1883;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (err) {
    // aedes keeps timers running from createBroker on: close it, or a hub that failed to start never exits.
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new Error(`embedded broker: ${listenProblem(err as NodeJS.ErrnoException, host, port)}`);
  }
  const bound = (server.address() as { port: number }).port;
  return {
    host,
    port: bound,
    url: `mqtt://${host}:${bound}`,
    close: () => new Promise<void>((resolve) => {
      // Close the broker first: it disconnects its clients, which lets the server close.
      broker.close(() => server.close(() => resolve()));
    }),
  };
}

function listenProblem(err: NodeJS.ErrnoException, host: string, port: number): string {
  if (err.code === 'EADDRINUSE') {
    return `port ${port} on ${host} is already in use (EADDRINUSE; another broker or hub running?): stop it, pick a free port with --port N `
      + `(embedded_broker.port), or use the broker already there with --mqtt mqtt://${host}:${port} instead of --embedded-broker`;
  }
  if (err.code === 'EACCES') return `port ${port} on ${host}: permission denied (EACCES; ports below 1024 need root): pick a port above 1023 with --port N`;
  if (err.code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine (EADDRNOTAVAIL): set embedded_broker.host to 127.0.0.1 or one of its addresses`;
  return `cannot listen on ${host}:${port}: ${err.message}`;
}
