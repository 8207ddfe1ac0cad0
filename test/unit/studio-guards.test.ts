import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accessCookie,
  cookieName,
  CSRF_HEADER,
  isWritePath,
  newSecret,
  refusal,
  sameSecret,
  securityHeaders,
  type GuardConfig,
  type RequestFacts,
} from '../../cli/studio/guards.ts';

const config: GuardConfig = { port: 4567, accessToken: newSecret(), csrfToken: newSecret() };
const cookie = `${cookieName(config.port)}=${config.accessToken}`;

/** A request the studio's own page makes: its host, its cookie. */
function request(overrides: Partial<RequestFacts> & { headers?: RequestFacts['headers'] } = {}): RequestFacts {
  return { method: 'GET', url: '/api/views', ...overrides, headers: { host: '127.0.0.1:4567', cookie, ...overrides.headers } };
}

function write(headers: RequestFacts['headers'] = {}, method = 'POST'): RequestFacts {
  return request({
    method,
    url: '/api/views/v1/publish',
    headers: { 'content-type': 'application/json', [CSRF_HEADER]: config.csrfToken, origin: 'http://127.0.0.1:4567', ...headers },
  });
}

describe('studio request guards', () => {
  it('lets the page through: its own host, cookie, origin and CSRF token', () => {
    assert.equal(refusal(request(), config), undefined);
    assert.equal(refusal(request({ headers: { host: 'localhost:4567', 'sec-fetch-site': 'same-origin' } }), config), undefined);
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

  it('refuses a request without the access token, or with a wrong one', () => {
    assert.equal(refusal(request({ headers: { cookie: undefined } }), config)?.status, 401);
    assert.equal(refusal(request({ headers: { cookie: `${cookieName(config.port)}=${newSecret()}` } }), config)?.status, 401);
    // Another studio's cookie (another port) is not this one's.
    assert.equal(refusal(request({ headers: { cookie: `${cookieName(9999)}=${config.accessToken}` } }), config)?.status, 401);
    // The token in the query opens the page only (it is then moved into the cookie), not the API.
    assert.equal(refusal(request({ url: `/api/views?token=${config.accessToken}`, headers: { cookie: undefined } }), config)?.status, 401);
    assert.equal(refusal(request({ url: `/?token=${config.accessToken}`, headers: { cookie: undefined } }), config), undefined);
    assert.equal(refusal(request({ url: `/?token=${newSecret()}`, headers: { cookie: undefined } }), config)?.status, 401);
    assert.match(refusal(request({ headers: { cookie: undefined } }), config)!.message, /access token/);
  });

  it('refuses a foreign Host (DNS rebinding), even with the right cookie', () => {
    for (const host of ['evil.example:4567', 'evil.example', '127.0.0.1', '127.0.0.1:4568', '127.0.0.2:4567', '[::1]:4567', undefined]) {
      const refused = refusal(request({ headers: { host } }), config);
      assert.equal(refused?.status, 403, String(host));
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
    // A link followed from another site: refused too, in words a person can act on.
    const followed = refusal(request({ url: '/', headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } }), config);
    assert.equal(followed?.status, 403);
    assert.match(followed!.message, /paste the address/);
  });

  it('takes writes only by POST, with JSON and the CSRF token', () => {
    assert.equal(refusal(write({}, 'GET'), config)?.status, 405);
    assert.equal(refusal(write({}, 'GET'), config)?.allow, 'POST');
    assert.equal(refusal(write({}, 'PUT'), config)?.status, 405);
    assert.equal(refusal(write({ [CSRF_HEADER]: undefined }), config)?.status, 403);
    assert.equal(refusal(write({ [CSRF_HEADER]: config.accessToken }), config)?.status, 403);
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

  it('sends the security headers and never a CORS header; the cookie is HttpOnly and SameSite=Strict', () => {
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
    assert.match(accessCookie(config), /; HttpOnly; SameSite=Strict; Path=\/$/);
  });
});
