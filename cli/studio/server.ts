import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readAssetFile } from './asset-files.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ChangedSinceReadError, UnversionedContentError, VersionNotFoundError } from '../guarded-writes.ts';
import { explainSdkError, type Target } from '../target.ts';
import { BadRequestError, NotFoundError, StudioApi } from './api.ts';
import { isWritePath, newSecret, pathOf, refusal, securityHeaders, type GuardConfig } from './guards.ts';

/**
 * `connect-views studio`'s server: the page and a JSON API under /api, on 127.0.0.1 only, every
 * request checked by guards.ts before it is routed. node:http alone: a handful of routes need no
 * framework, and fewer dependencies are fewer things between the user's credentials and a page.
 */
export interface StudioOptions {
  target: Target;
  /** Loopback only: the type admits nothing else, and startStudio checks the address it got. */
  host?: '127.0.0.1';
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The access token; a fresh random one when absent (tests pass their own). */
  token?: string;
  /** Where failures that are the studio's own (not Connect's answers) are told. */
  log?: (message: string) => void;
  /** The folder of index.html, app.js and studio.css; default: the page this package holds (asset-files.ts). */
  assetsDir?: URL;
}

export interface Studio {
  /** The address to open, the token in its fragment (`#token=…`: never sent to a server, nor in a Referer). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const ASSETS = {
  '/assets/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/assets/studio.css': { file: 'studio.css', type: 'text/css; charset=utf-8' },
} as const;
const BODY_LIMIT = 64 * 1024;
const DETAILS_MAX = 50;

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

function asset(type: string, body: Buffer): Asset {
  return { type, body, gzipped: gzipSync(body), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

async function loadAssets(dir: URL | undefined): Promise<{ index: Asset; files: Map<string, Asset> }> {
  const read = (file: string) => (dir ? readFile(new URL(file, dir)) : readAssetFile(file));
  const html = await read('index.html');
  const files = new Map<string, Asset>();
  for (const [path, { file, type }] of Object.entries(ASSETS)) files.set(path, asset(type, await read(file)));
  return { index: asset('text/html; charset=utf-8', html), files };
}

function acceptsGzip(request: IncomingMessage): boolean {
  return /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  type: string,
  body: Buffer,
  extra: Record<string, string> = {},
  gzipped?: Buffer,
): void {
  const headers: Record<string, string> = { ...securityHeaders(), 'content-type': type, ...extra };
  let payload = body;
  // Small answers gain nothing from gzip; the page, its script and long listings do.
  if (body.length > 1024 && acceptsGzip(request)) {
    payload = gzipped ?? gzipSync(body);
    headers['content-encoding'] = 'gzip';
    headers['vary'] = 'accept-encoding';
  }
  headers['content-length'] = String(payload.length);
  response.writeHead(status, headers);
  response.end(request.method === 'HEAD' ? undefined : payload);
}

function sendJson(request: IncomingMessage, response: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}) {
  send(request, response, status, 'application/json; charset=utf-8', Buffer.from(JSON.stringify(value)), extra);
}

/** The page and its files hold no secret: revalidated by their etag rather than fetched again. */
function sendAsset(request: IncomingMessage, response: ServerResponse, file: Asset): void {
  if (request.headers['if-none-match'] === file.etag) {
    response.writeHead(304, { ...securityHeaders(), 'cache-control': 'no-cache', etag: file.etag });
    response.end();
    return;
  }
  send(request, response, 200, file.type, file.body, { 'cache-control': 'no-cache', etag: file.etag }, file.gzipped);
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw new HttpError(413, `A request body is at most ${BODY_LIMIT} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new BadRequestError('The body is not JSON.');
  }
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** A failure in words and the status that says whose it is: the page shows `error` where it happened. */
export function answerFor(error: unknown): { status: number; body: { error: string; code: string } } {
  const name = (error as Error | undefined)?.name ?? 'Error';
  const message = (error as Error | undefined)?.message ?? String(error);
  if (error instanceof HttpError) return { status: error.status, body: { error: message, code: 'Refused' } };
  if (error instanceof ChangedSinceReadError) {
    const now = error.actualSha ? ` (its content is now ${error.actualSha.slice(0, 12)}…)` : '';
    return {
      status: 409,
      body: { error: `This view changed since you loaded this page${now}: nothing was written. Reload to see the change.`, code: name },
    };
  }
  if (error instanceof UnversionedContentError) {
    const what = error.lost.map((kind) => (kind === 'draft' ? 'an unpublished draft' : 'published content no version holds')).join(' and ');
    return {
      status: 409,
      body: { error: `This view has ${what}, which a rollback would replace for good: nothing was written. Reload the view.`, code: name },
    };
  }
  if (error instanceof BadRequestError) return { status: 400, body: { error: message, code: name } };
  if (error instanceof NotFoundError || error instanceof VersionNotFoundError || name === 'ResourceNotFoundException') {
    return { status: 404, body: { error: message, code: name } };
  }
  if (name === 'ThrottlingException' || name === 'TooManyRequestsException') {
    return { status: 429, body: { error: `Connect is throttling requests (${name}): wait a moment and try again.`, code: name } };
  }
  const explained = explainSdkError(error);
  if (explained) return { status: 502, body: { error: explained, code: name } };
  if ((error as { $metadata?: unknown }).$metadata !== undefined) {
    const status = name === 'ResourceInUseException' ? 409 : 502;
    return { status, body: { error: `Connect answered ${name}: ${message}`, code: name } };
  }
  return { status: 500, body: { error: `The studio failed: ${message}`, code: name } };
}

function segments(path: string): string[] {
  try {
    return path.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new BadRequestError('The address is not well formed.');
  }
}

/** Starts the studio on 127.0.0.1; resolves once it listens. */
export async function startStudio(options: StudioOptions): Promise<Studio> {
  if ((options.host ?? '127.0.0.1') !== '127.0.0.1') throw new Error('The studio listens on 127.0.0.1 only.');
  const config: GuardConfig = { port: options.port ?? 0, accessToken: options.token ?? newSecret() };
  const api = new StudioApi(options.target);
  const assets = await loadAssets(options.assetsDir);
  const log = options.log ?? ((message: string) => console.error(message));

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    const path = pathOf(url);
    const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    if (path === '/') return sendAsset(request, response, assets.index);
    const file = assets.files.get(path);
    if (file) return sendAsset(request, response, file);
    if (path === '/favicon.ico') {
      response.writeHead(204, securityHeaders());
      response.end();
      return;
    }
    if (!path.startsWith('/api/')) throw new HttpError(404, `Nothing at ${path}.`);
    const parts = segments(path).slice(1);
    if (isWritePath(path)) {
      const body = await readBody(request);
      const [, id, action] = parts as [string, string, string];
      if (action === 'publish') return sendJson(request, response, 200, await api.publish(id, body));
      if (action === 'versions') return sendJson(request, response, 200, await api.cutVersion(id, body));
      return sendJson(request, response, 200, await api.rollback(id, body));
    }
    if (parts.length === 1 && parts[0] === 'session') return sendJson(request, response, 200, { instanceId: options.target.instanceId });
    if (parts.length === 1 && parts[0] === 'views') return sendJson(request, response, 200, await api.listViews(query.get('q') ?? ''));
    if (parts.length === 1 && parts[0] === 'details') {
      const ids = (query.get('ids') ?? '').split(',').filter(Boolean);
      if (ids.length > DETAILS_MAX) throw new BadRequestError(`At most ${DETAILS_MAX} views at a time.`);
      return sendJson(request, response, 200, { details: await api.details(ids, query.get('describe') === '1') });
    }
    if (parts[0] === 'views' && parts.length === 2) return sendJson(request, response, 200, await api.view(parts[1]!));
    if (parts[0] === 'views' && parts.length === 3 && parts[2] === 'timeline') {
      const numbers = (query.get('versions') ?? '').split(',').filter(Boolean).map(Number);
      if (numbers.length > DETAILS_MAX || numbers.some((n) => !Number.isInteger(n) || n < 1)) {
        throw new BadRequestError(`versions: up to ${DETAILS_MAX} version numbers, comma-separated.`);
      }
      return sendJson(request, response, 200, { versions: await api.timeline(parts[1]!, numbers) });
    }
    if (parts[0] === 'views' && parts.length === 3 && parts[2] === 'compare') {
      return sendJson(request, response, 200, await api.compare(parts[1]!, query.get('a') ?? '', query.get('b') ?? ''));
    }
    throw new HttpError(404, `No API at ${path}.`);
  }

  const server = createServer((request, response) => {
    const refused = refusal({ method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers }, config);
    if (refused) {
      // A refused request's body is never read: drop it with the connection.
      const extra = { ...(refused.allow ? { allow: refused.allow } : {}), connection: 'close' };
      if (pathOf(request.url ?? '/').startsWith('/api/')) {
        sendJson(request, response, refused.status, { error: refused.message, code: 'Refused' }, extra);
      } else {
        // A person who opened the page without the token reads words, not JSON.
        send(request, response, refused.status, 'text/plain; charset=utf-8', Buffer.from(`${refused.message}\n`), extra);
      }
      return;
    }
    route(request, response).catch((error: unknown) => {
      const answer = answerFor(error);
      if (answer.status === 500) log(`studio: ${request.method} ${pathOf(request.url ?? '')}: ${(error as Error).stack ?? String(error)}`);
      if (response.headersSent) response.destroy();
      else sendJson(request, response, answer.status, answer.body);
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  if (address.address !== '127.0.0.1') {
    server.close();
    throw new Error(`The studio would listen on ${address.address}: it listens on 127.0.0.1 only.`);
  }
  config.port = address.port;
  return {
    url: `http://127.0.0.1:${address.port}/#token=${config.accessToken}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
