// The Unix socket listener: claims the path (removing a stale file only when nothing answers on it),
// sets mode 0660 so the stack's group can connect, and removes the file again on close.
import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';

/** sun_path holds 108 bytes on Linux, including the terminating NUL. */
const MAX_PATH_BYTES = 107;
const PROBE_TIMEOUT_MS = 1000;

export interface UnixSocketServer {
  /** Stops accepting; resolves when every connection has closed and the socket file is removed. */
  close(): Promise<void>;
}

export async function listenUnixSocket(path: string, onConnection: (socket: Socket) => void): Promise<UnixSocketServer> {
  const where = `sources.local_api.socket ${path}`;
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) {
    throw new Error(`${where}: path is ${Buffer.byteLength(path)} bytes, Unix sockets allow at most ${MAX_PATH_BYTES}; choose a shorter path`);
  }
  await claimPath(path, where);
  const server = createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, path, where)));
    server.listen(path, () => resolve());
  });
  server.on('error', () => {}); // after listening, errors belong to connections
  chmodSync(path, 0o660);
  const inode = lstatSync(path).ino;
  return { close: () => closeServer(server, path, inode) };
}

/** Removes a socket file nobody listens on; refuses when someone does, or when the path is not a socket. */
async function claimPath(path: string, where: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(`${where}: cannot inspect the path (${(err as NodeJS.ErrnoException).code})`);
  }
  if (!isSocket) throw new Error(`${where}: exists and is not a socket; refusing to remove it: move it away or choose another path`);
  const answer = await probe(path);
  if (answer === 'listening') {
    throw new Error(`${where}: another process is listening on it (another fieldproof agent?); stop it or choose another socket path`);
  }
  if (answer === 'stale') {
    try {
      unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${where}: cannot remove the stale socket file (${(err as NodeJS.ErrnoException).code})`);
    }
  }
}

function probe(path: string): Promise<'listening' | 'stale' | 'gone'> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const done = (answer: 'listening' | 'stale' | 'gone' | Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    };
    // A listener too busy to accept within the timeout is still a listener.
    const timer = setTimeout(() => done('listening'), PROBE_TIMEOUT_MS);
    socket.once('connect', () => done('listening'));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') done('stale');
      else if (err.code === 'ENOENT') done('gone');
      else done(new Error(`sources.local_api.socket ${path}: cannot check whether it is in use (${err.code ?? err.message})`));
    });
  });
}

function listenError(err: NodeJS.ErrnoException, path: string, where: string): Error {
  // libuv reports a missing folder as EACCES.
  if ((err.code === 'ENOENT' || err.code === 'EACCES') && !existsSync(dirname(path))) {
    return new Error(`${where}: its folder does not exist; create it or choose another path`);
  }
  switch (err.code) {
    case 'EADDRINUSE': return new Error(`${where}: already in use (another process claimed it just now); stop it or choose another socket path`);
    case 'EACCES': return new Error(`${where}: permission denied; choose a folder the agent may write to`);
    default: return new Error(`${where}: cannot listen (${err.code ?? err.message})`);
  }
}

async function closeServer(server: Server, path: string, inode: number): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  try {
    // Only our own file: another agent may have taken the path over since.
    if (lstatSync(path).ino === inode) unlinkSync(path);
  } catch {
    // already gone
  }
}
