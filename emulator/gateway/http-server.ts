import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type AddressInfo, type Socket } from 'node:net';

/**
 * The local service's HTTP server: its request handler can be set after it started listening (so
 * the port is taken before anything else starts), and it stops without cutting what it received.
 *
 * Starting: a request that arrives before the handler is set (DynamoDB Local takes seconds to
 * start) is held and answered once it is — so the usual pattern, wait until the port opens and
 * then run tests, just works. One held longer than HOLD_WHILE_STARTING_MS is answered 503.
 *
 * Stopping: no new connections; each request already received is answered (with `Connection:
 * close`); a keep-alive connection that is idle gets a moment to deliver a request its client may
 * be sending at that very instant (Node's own close() drops it at once, and the client sees
 * "socket hang up"), then is closed; after `drainMs`, whatever still runs is cut.
 */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

interface ServerState {
  /** Absent while starting: requests are held until it is set. */
  handle?: RequestHandler;
  held: Set<{ request: IncomingMessage; response: ServerResponse; timer: NodeJS.Timeout }>;
  /** Requests in flight per connection, and since when a connection has been idle. */
  connections: Map<Socket, { active: number; idleSince: number }>;
  responses: Set<ServerResponse>;
  closing: boolean;
}

const states = new WeakMap<Server, ServerState>();
/** How long, by default, an idle keep-alive connection may still bring a request once stopping began. */
const IDLE_GRACE_MS = 250;

/** How long a request that came while the service was starting waits for it before a 503. */
export const HOLD_WHILE_STARTING_MS = 60_000;

function notReady(response: ServerResponse, message: string): void {
  if (response.headersSent) return;
  response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  response.end(JSON.stringify({ message }));
}

export function createManagedServer(handle?: RequestHandler): Server {
  const state: ServerState = {
    ...(handle ? { handle } : {}),
    held: new Set(),
    connections: new Map(),
    responses: new Set(),
    closing: false,
  };
  const server = createServer((request, response) => {
    const connection = state.connections.get(request.socket);
    if (connection) connection.active += 1;
    state.responses.add(response);
    if (state.closing) response.setHeader('connection', 'close');
    response.once('close', () => {
      state.responses.delete(response);
      if (connection) {
        connection.active -= 1;
        connection.idleSince = Date.now();
      }
    });
    if (state.handle) return state.handle(request, response);
    const waiting = {
      request,
      response,
      timer: setTimeout(() => {
        state.held.delete(waiting);
        notReady(response, `The local service did not finish starting within ${HOLD_WHILE_STARTING_MS / 1000} s`);
      }, HOLD_WHILE_STARTING_MS).unref(),
    };
    state.held.add(waiting);
  });
  server.on('connection', (socket: Socket) => {
    state.connections.set(socket, { active: 0, idleSince: Date.now() });
    socket.once('close', () => state.connections.delete(socket));
  });
  // Node closes idle keep-alive connections after 5 s, racing clients that reuse them at that moment
  // (ECONNRESET); like AWS load balancers, keep them far longer than the SDKs' idle periods.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  states.set(server, state);
  return server;
}

/** Replaces the request handler of a server made by createManagedServer. */
export function setRequestHandler(server: Server, handle: RequestHandler): void {
  const state = states.get(server);
  if (!state) throw new Error('not a server made by createManagedServer');
  state.handle = handle;
  for (const waiting of state.held) {
    clearTimeout(waiting.timer);
    handle(waiting.request, waiting.response);
  }
  state.held.clear();
}

/** Starts listening on 127.0.0.1; `port` 0 picks a free one. */
export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return urlOf(server);
}

/** The URL of a listening server. */
export function urlOf(server: Server): string {
  const address = server.address() as AddressInfo;
  return `http://${address.address}:${address.port}`;
}

/** Stops `server` (see above); resolves with the number of requests cut because they outlasted `drainMs`. */
export async function closeGracefully(server: Server, drainMs: number, idleGraceMs = IDLE_GRACE_MS): Promise<number> {
  const state = states.get(server);
  if (!server.listening) return 0;
  if (!state) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return 0;
  }
  state.closing = true;
  // Held requests of a start that never finished (it failed, or was stopped) are answered now.
  for (const waiting of state.held) {
    clearTimeout(waiting.timer);
    waiting.response.setHeader('connection', 'close');
    notReady(waiting.response, 'The local service stopped before it finished starting');
  }
  state.held.clear();
  const began = Date.now();
  for (const response of state.responses) if (!response.headersSent) response.setHeader('connection', 'close');
  // net.Server's close stops accepting without http.Server's closing of idle connections at once.
  const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
  const sweep = () => {
    for (const [socket, connection] of state.connections) {
      if (connection.active === 0 && Date.now() - Math.max(began, connection.idleSince) >= idleGraceMs) socket.destroy();
    }
  };
  const sweeper = setInterval(sweep, 25);
  let cut = 0;
  const deadline = setTimeout(() => {
    cut = state.responses.size;
    server.closeAllConnections();
  }, drainMs);
  try {
    await closed;
  } finally {
    clearInterval(sweeper);
    clearTimeout(deadline);
    // http.Server's own bookkeeping (its connection-checking interval) ends with its close().
    server.close(() => undefined);
  }
  return cut;
}
