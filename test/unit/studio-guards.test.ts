import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isPagePath,
  isWritePath,
  newSecret,
  refusal,
  sameSecret,
  securityHeaders,
  type GuardConfig,
  TOKEN_HEADER,
  type RequestFacts,
} from '../../cli/studio/guards.ts';

const config: GuardConfig = { port: 4567, accessToken: newSecret() };

/** A request the studio's own page makes: its host, its token in the header. */
function request(overrides: Partial<RequestFacts> & { headers?: RequestFacts['headers'] } = {}): RequestFacts {
  const headers = { host: '127.0.0.1:4567', [TOKEN_HEADER]: config.accessToken, ...overrides.headers };
  return { method: 'GET', url: '/api/views', ...overrides, headers };
}

/** The page itself, as a browser opens it: no token (the page has none to send). */
function opening(headers: RequestFacts['headers'] = {}, url = '/'): RequestFacts {
  return request({ url, headers: { [TOKEN_HEADER]: undefined, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', ...headers } });
}

function write(headers: RequestFacts['headers'] = {}, method = 'POST'): RequestFacts {
  return request({
    method,
    url: '/api/views/v1/publish',
    headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:4567', ...headers },
  });
}

describe('studio request guards', () => {
  it('lets the page through: its own host, token and origin', () => {
    assert.equal(refusal(request(), config), undefined);
    assert.equal(refusal(request({ headers: { 'sec-fetch-site': 'same-origin' } }), config), undefined);
    assert.equal(refusal(write(), config), undefined);
    assert.equal(refusal(write({ 'content-type': 'application/json; charset=utf-8' }), config), undefined);
  });

  it('secrets are 32 random bytes, URL-safe, and compared whole', () => {
    const secret = newSecret();
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(secret, newSecret());
    assert.equal(sameSecret(secret, secret), true);
    assert.equal(sameSecret(secret.slice(0, -1), secret), false);
    assert.equal(sameSecret(`${secret}x`, secret), false);
    assert.equal(sameSecret(undefined, secret), false);
    assert.equal(sameSecret('', secret), false);
  });

  it('refuses an API request without the access token in its header, or with a wrong one', () => {
    assert.equal(refusal(request({ headers: { [TOKEN_HEADER]: undefined } }), config)?.status, 401);
    assert.equal(refusal(request({ headers: { [TOKEN_HEADER]: newSecret() } }), config)?.status, 401);
    // Anywhere else than the header is no token: a cookie (sent to every port of 127.0.0.1), the query.
    const noHeader = { [TOKEN_HEADER]: undefined };
    assert.equal(refusal(request({ headers: { ...noHeader, cookie: `${TOKEN_HEADER}=${config.accessToken}` } }), config)?.status, 401);
    assert.equal(refusal(request({ url: `/api/views?token=${config.accessToken}`, headers: noHeader }), config)?.status, 401);
    assert.equal(refusal(write({ [TOKEN_HEADER]: undefined }), config)?.status, 401);
    assert.match(refusal(request({ headers: noHeader }), config)!.message, /access token/);
  });

  it('serves the page and its files without the token: they hold none', () => {
    assert.equal(refusal(opening(), config), undefined);
    assert.equal(
      refusal(request({ url: '/assets/app.js', headers: { [TOKEN_HEADER]: undefined, 'sec-fetch-site': 'same-origin' } }), config),
      undefined,
    );
    assert.equal(isPagePath('/'), true);
    assert.equal(isPagePath('/assets/studio.css'), true);
    assert.equal(isPagePath('/api/views'), false);
    assert.equal(isPagePath('/api/session'), false);
    // The page opens from a link or the opener file (another site, as far as the browser says)…
    assert.equal(refusal(opening({ 'sec-fetch-site': 'cross-site' }), config), undefined);
    // …but not inside another site's frame, and its files are not another site's to load.
    assert.equal(refusal(opening({ 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'iframe' }), config)?.status, 403);
    assert.equal(refusal(request({ url: '/assets/app.js', headers: { 'sec-fetch-site': 'cross-site' } }), config)?.status, 403);
    assert.equal(refusal(opening({}, '/api/views'), config)?.status, 401, 'a navigation to the API needs the token too');
    assert.equal(refusal(request({ url: '/', method: 'POST' }), config)?.status, 405);
  });

  it('refuses a foreign Host (DNS rebinding), even with the right token, the page included', () => {
    for (const host of [
      'localhost:4567',
      'evil.example:4567',
      'evil.example',
      '127.0.0.1',
      '127.0.0.1:4568',
      '127.0.0.2:4567',
      '[::1]:4567',
      undefined,
    ]) {
      const refused = refusal(request({ headers: { host } }), config);
      assert.equal(refused?.status, 403, String(host));
      assert.equal(refusal(opening({ host }), config)?.status, 403, String(host));
      assert.match(refused!.message, /answers only to http:\/\/127\.0\.0\.1:4567/);
    }
  });

  it('refuses a request from another origin, another port of 127.0.0.1 included', () => {
    for (const origin of ['http://evil.example', 'http://127.0.0.1:9999', 'https://127.0.0.1:4567', 'null']) {
      assert.equal(refusal(request({ headers: { origin } }), config)?.status, 403, origin);
      assert.equal(refusal(write({ origin }), config)?.status, 403, origin);
    }
    for (const site of ['cross-site', 'same-site']) {
      assert.equal(refusal(request({ headers: { 'sec-fetch-site': site } }), config)?.status, 403, site);
    }
  });

  it('takes writes only by POST, with JSON and the token', () => {
    assert.equal(refusal(write({}, 'GET'), config)?.status, 405);
    assert.equal(refusal(write({}, 'GET'), config)?.allow, 'POST');
    assert.equal(refusal(write({}, 'PUT'), config)?.status, 405);
    assert.equal(refusal(write({ [TOKEN_HEADER]: 'guess' }), config)?.status, 401);
    // The three content types a cross-site <form> can send without a preflight.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      assert.equal(refusal(write({ 'content-type': type }), config)?.status, 415, String(type));
    }
  });

  it('answers reads to GET and HEAD only', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      assert.equal(refusal(request({ method }), config)?.status, 405, method);
    }
    assert.equal(refusal(request({ method: 'HEAD' }), config), undefined);
  });

  it('knows the write endpoints', () => {
    assert.equal(isWritePath('/api/views/abc/publish'), true);
    assert.equal(isWritePath('/api/views/abc/versions'), true);
    assert.equal(isWritePath('/api/views/abc/rollback'), true);
    assert.equal(isWritePath('/api/views/abc'), false);
    assert.equal(isWritePath('/api/views/abc/compare'), false);
  });

  it('sends the security headers and never a CORS header', () => {
    const headers = securityHeaders();
    assert.match(headers['content-security-policy']!, /default-src 'self'/);
    assert.match(headers['content-security-policy']!, /frame-ancestors 'none'/);
    assert.doesNotMatch(headers['content-security-policy']!, /unsafe-inline|unsafe-eval/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.deepEqual(
      Object.keys(headers).filter((name) => name.startsWith('access-control')),
      [],
    );
  });
});
