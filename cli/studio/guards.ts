import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The studio's server holds the user's AWS credentials, so every request is checked before it is
 * routed: only the browser tab opened from the printed address may drive it. Pure functions of
 * the request, so that each refusal can be shown on a forged request without a server.
 */

/** What the checks need of the studio: its port and its secret. */
export interface GuardConfig {
  port: number;
  /**
   * In the printed address's fragment (never sent to a server); the page keeps it in its own
   * origin's storage and sends it in the X-Studio-Token header on every API request.
   */
  accessToken: string;
}

/** The parts of a request the checks read (node:http's IncomingMessage has them). */
export interface RequestFacts {
  method: string;
  /** Path and query, as in the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface Refusal {
  status: number;
  message: string;
  /** For a 405. */
  allow?: string;
}

/**
 * The access token's header. A header, not a cookie: a browser sends cookies for 127.0.0.1 to every
 * port of it (cookies are not kept apart by port), so any other local server the user browses to
 * would receive a cookie; a header is sent only by the script that sets it, and the studio's storage
 * is readable by its own origin (scheme, host and port) alone. No ambient credential also means no
 * forged request from another page can carry the token: it is the CSRF token too.
 */
export const TOKEN_HEADER = 'x-studio-token';

/** 32 random bytes, URL-safe: unguessable, and fine in an address and a header. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function header(facts: RequestFacts, name: string): string | undefined {
  const value = facts.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Compares in constant time, so that the secret cannot be found a byte at a time by timing answers. */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The hosts the studio answers to: a DNS name rebound to 127.0.0.1 still carries its own name here.
 * Not `localhost`: it may resolve to ::1 first, where the studio does not listen and another user of
 * the machine may; and the page's storage (its token) belongs to the one origin it was opened on.
 */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((host) => `http://${host}`);
}

export function pathOf(url: string): string {
  const index = url.search(/[?#]/);
  return index === -1 ? url : url.slice(0, index);
}

/** Whether the request carries the access token in its header. */
export function hasAccess(facts: RequestFacts, config: GuardConfig): boolean {
  return sameSecret(header(facts, TOKEN_HEADER), config.accessToken);
}

/** The page and its files: they hold no secret, and any of them may be fetched without the token. */
export function isPagePath(path: string): boolean {
  return path === '/' || path === '/favicon.ico' || path.startsWith('/assets/');
}

/** The API's write endpoints: POST only, with a JSON body (and the token, as every API request). */
export function isWritePath(path: string): boolean {
  return /^\/api\/views\/[^/]+\/(publish|versions|rollback)$/.test(path);
}

/**
 * The first check that refuses the request, or undefined when it may go on. Order matters for the
 * answer, not for safety: every check runs before anything is read from Connect.
 */
export function refusal(facts: RequestFacts, config: GuardConfig): Refusal | undefined {
  const host = header(facts, 'host');
  if (!host || !allowedHosts(config.port).includes(host.toLowerCase())) {
    return { status: 403, message: `This studio answers only to http://127.0.0.1:${config.port}, not to the host "${host ?? ''}".` };
  }
  const path = pathOf(facts.url);
  const reading = facts.method === 'GET' || facts.method === 'HEAD';
  // The page holds no secret and acts only on the user's clicks, so it opens from anywhere: a
  // bookmark, the printed address, or the file `connect-views studio` opens the browser on.
  // A frame is no such opening (and the page refuses to be framed anyway).
  const opened = header(facts, 'sec-fetch-mode') === 'navigate' && header(facts, 'sec-fetch-dest') === 'document';
  if (path === '/' && reading && opened) return undefined;
  const origin = header(facts, 'origin');
  if (origin !== undefined && !allowedOrigins(config.port).includes(origin)) {
    return { status: 403, message: `Requests from another site (${origin}) are refused: open the studio from the address it printed.` };
  }
  // Browsers say where a request comes from even where they send no Origin (a GET from an <img>, say);
  // another port on 127.0.0.1 is "same-site", so only same-origin and typed-in ("none") pass.
  const site = header(facts, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { status: 403, message: `Requests from another site (Sec-Fetch-Site: ${site}) are refused.` };
  }
  if (isPagePath(path)) {
    if (!reading) return { status: 405, message: `${facts.method} is not answered here: the studio's page takes GET.`, allow: 'GET, HEAD' };
    return undefined;
  }
  if (!hasAccess(facts, config)) {
    return {
      status: 401,
      message: 'This studio needs its access token: open the address it printed (http://127.0.0.1:PORT/#token=…) in this browser.',
    };
  }
  if (isWritePath(path)) {
    if (facts.method !== 'POST') return { status: 405, message: 'This endpoint changes a view: it takes POST only.', allow: 'POST' };
    const type = header(facts, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return { status: 415, message: `A write takes a JSON body (content-type application/json), not ${type ?? 'none'}.` };
    }
    return undefined;
  }
  if (!reading) {
    return { status: 405, message: `${facts.method} is not answered here: the studio's reads take GET.`, allow: 'GET, HEAD' };
  }
  return undefined;
}

/**
 * Headers on every answer, refusals included: the page runs only its own script (no inline script,
 * so an injected string cannot run), is never framed, sends no Referer and is never stored. No
 * Access-Control-* header is ever sent: no other origin may read an answer.
 */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; " +
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}
