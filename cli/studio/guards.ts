import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The studio's server holds the user's AWS credentials, so every request is checked before it is
 * routed: only the browser tab opened from the printed address may drive it. Pure functions of
 * the request, so that each refusal can be shown on a forged request without a server.
 */

/** What the checks need of the studio: its port and its two secrets. */
export interface GuardConfig {
  port: number;
  /** In the printed address; kept by the browser as an HttpOnly cookie after the first load. */
  accessToken: string;
  /** Given to the page inside its HTML, sent back in a header on every write. */
  csrfToken: string;
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

export const CSRF_HEADER = 'x-csrf-token';

/** 32 random bytes, URL-safe: unguessable, and fine in a query string and a cookie. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Cookies are not kept apart by port, so two studios on one machine (or an old one whose port is
 * reused) would overwrite one another's cookie under one name.
 */
export function cookieName(port: number): string {
  return `connect_views_studio_${port}`;
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

function cookieValue(facts: RequestFacts, name: string): string | undefined {
  const cookies = header(facts, 'cookie');
  if (!cookies) return undefined;
  for (const part of cookies.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** The hosts the studio answers to: a DNS name rebound to 127.0.0.1 still carries its own name here. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((host) => `http://${host}`);
}

export function pathOf(url: string): string {
  const index = url.search(/[?#]/);
  return index === -1 ? url : url.slice(0, index);
}

export function queryToken(url: string): string | undefined {
  const index = url.indexOf('?');
  if (index === -1) return undefined;
  return new URLSearchParams(url.slice(index + 1)).get('token') ?? undefined;
}

/** Whether the request carries the access token: the cookie, or `?token=` on a load of the page. */
export function hasAccess(facts: RequestFacts, config: GuardConfig): boolean {
  if (sameSecret(cookieValue(facts, cookieName(config.port)), config.accessToken)) return true;
  return facts.method === 'GET' && pathOf(facts.url) === '/' && sameSecret(queryToken(facts.url), config.accessToken);
}

/** The API's write endpoints: POST only, with the CSRF token and a JSON body. */
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
  const origin = header(facts, 'origin');
  if (origin !== undefined && !allowedOrigins(config.port).includes(origin)) {
    return { status: 403, message: `Requests from another site (${origin}) are refused: open the studio from the address it printed.` };
  }
  // Browsers say where a request comes from even where they send no Origin (a GET from an <img>, say);
  // another port on 127.0.0.1 is "same-site", so only same-origin and typed-in ("none") pass.
  const site = header(facts, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    if (header(facts, 'sec-fetch-mode') === 'navigate') {
      return { status: 403, message: 'A link from another site does not open the studio: paste the address into the address bar.' };
    }
    return { status: 403, message: `Requests from another site (Sec-Fetch-Site: ${site}) are refused.` };
  }
  if (!hasAccess(facts, config)) {
    return {
      status: 401,
      message: 'This studio needs its access token: open the address it printed (http://127.0.0.1:PORT/?token=…) in this browser.',
    };
  }
  const path = pathOf(facts.url);
  if (isWritePath(path)) {
    if (facts.method !== 'POST') return { status: 405, message: 'This endpoint changes a view: it takes POST only.', allow: 'POST' };
    const type = header(facts, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return { status: 415, message: `A write takes a JSON body (content-type application/json), not ${type ?? 'none'}.` };
    }
    if (!sameSecret(header(facts, CSRF_HEADER), config.csrfToken)) {
      return { status: 403, message: "A write needs the page's CSRF token (header X-CSRF-Token): reload the page and try again." };
    }
    return undefined;
  }
  if (facts.method !== 'GET' && facts.method !== 'HEAD') {
    return { status: 405, message: `${facts.method} is not answered here: the studio's pages and reads take GET.`, allow: 'GET, HEAD' };
  }
  return undefined;
}

/**
 * Headers on every answer, refusals included: the page runs only its own script (no inline script,
 * so an injected string cannot run), is never framed, sends no Referer (the first load's address
 * holds the token) and is never stored. No Access-Control-* header is ever sent: no other origin
 * may read an answer.
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

/** The cookie the first load sets: HttpOnly (the page's script never sees it), sent only to this studio's pages. */
export function accessCookie(config: GuardConfig): string {
  return `${cookieName(config.port)}=${config.accessToken}; HttpOnly; SameSite=Strict; Path=/`;
}
