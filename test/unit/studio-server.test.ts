import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { TOKEN_HEADER } from '../../cli/studio/guards.ts';
import { ChangedSinceReadError } from '../../cli/guarded-writes.ts';
import { answerFor, startStudio, type Studio } from '../../cli/studio/server.ts';
import type { Target } from '../../cli/target.ts';
import { raw, session } from '../support/studio-http.ts';

/**
 * The studio's server against a stub Connect: every request guard refusing a forged request, and
 * a refused write never reaching Connect. The same against the emulator: test/integration/studio.test.ts.
 */
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** One view, published once and with a draft, held in memory; every command the studio sends is recorded. */
function stubTarget() {
  const state = { latest: '{"Head":{"Title":"v1"}}', saved: '{"Head":{"Title":"v2"}}', versions: [1] };
  const sent: string[] = [];
  const view = (template: string, extra: Record<string, unknown> = {}) => ({
    Id: 'view-1',
    Arn: 'arn:aws:connect:us-east-1:123456789012:instance/i-1/view/view-1',
    Name: 'Stub view',
    Type: 'CUSTOMER_MANAGED',
    Status: 'PUBLISHED',
    Content: { Template: template, Actions: [], InputSchema: '{}' },
    ViewContentSha256: sha(template),
    Tags: {},
    LastModifiedTime: new Date('2026-01-01T00:00:00Z'),
    ...extra,
  });
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      sent.push(name);
      const input = command.input;
      if (name === 'SearchViewsCommand') {
        throw Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
      }
      if (name === 'ListViewsCommand') {
        return input['Type'] === 'CUSTOMER_MANAGED' ? { ViewsSummaryList: [{ Id: 'view-1', Arn: view('').Arn, Name: 'Stub view' }] } : {};
      }
      if (name === 'ListViewVersionsCommand') return { ViewVersionSummaryList: state.versions.map((Version) => ({ Version })) };
      if (name === 'DescribeViewCommand') {
        const qualifier = String(input['ViewId']).split(':')[1];
        if (qualifier === '$SAVED') return { View: view(state.saved, { Status: 'SAVED' }) };
        if (qualifier === '$LATEST') return { View: view(state.latest) };
        return { View: view(state.latest, { Version: Number(qualifier) }) };
      }
      if (name === 'UpdateViewContentCommand') {
        const content = input['Content'] as { Template: string };
        state.saved = content.Template;
        state.latest = content.Template;
        return { View: view(state.latest) };
      }
      throw new Error(`the stub does not answer ${name}`);
    },
    destroy() {},
  };
  const target: Target = { client: client as unknown as ConnectClient, instanceId: 'i-1' };
  return { target, state, sent };
}

describe('studio server (stub Connect)', () => {
  const stub = stubTarget();
  let studio: Studio;
  let port: number;
  let auth: Record<string, string>;

  before(async () => {
    studio = await startStudio({ target: stub.target, log: () => {} });
    ({ port, auth } = session(studio.url));
  });
  after(() => studio.close());

  function writeHeaders(extra: Record<string, string | undefined> = {}) {
    return { ...auth, 'content-type': 'application/json', origin: `http://127.0.0.1:${port}`, ...extra };
  }

  it('prints an address on 127.0.0.1 with the token in its fragment, and serves the page, which holds no secret', async () => {
    assert.match(studio.url, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    const page = await raw(port, {});
    assert.equal(page.status, 200);
    assert.equal(page.headers['set-cookie'], undefined, 'no cookie: a browser would send it to every port of 127.0.0.1');
    assert.match(page.text, /<script type="module" src="\/assets\/app.js">/);
    assert.doesNotMatch(page.text, /<script>/, 'no inline script');
    assert.ok(!page.text.includes(session(studio.url).token), 'the page holds no secret');
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const script = await raw(port, { path: '/assets/app.js' });
    assert.equal(script.status, 200);
    assert.ok(!script.text.includes(session(studio.url).token));
  });

  it('answers the API to the token in its header, and says which instance it drives', async () => {
    const own = await raw(port, { path: '/api/session', headers: auth });
    assert.deepEqual(own.json(), { instanceId: 'i-1' });
    const list = await raw(port, { path: '/api/views', headers: auth });
    assert.equal(list.status, 200);
    assert.equal(list.json()['source'], 'ListViews', 'SearchViews refused (AccessDenied): the studio lists and filters itself');
    assert.deepEqual(
      (list.json()['views'] as { name: string }[]).map((view) => view.name),
      ['Stub view'],
    );
    const filtered = await raw(port, { path: '/api/views?q=nothing-like-it', headers: auth });
    assert.deepEqual(filtered.json()['views'], []);
    const view = await raw(port, { path: '/api/views/view-1', headers: auth });
    assert.equal(view.status, 200);
    assert.equal(view.json()['draftDiffers'], true);
    const compare = await raw(port, { path: '/api/views/view-1/compare?a=$LATEST&b=$SAVED', headers: auth });
    assert.deepEqual(
      (compare.json()['diff'] as { path: string }[]).map((entry) => entry.path),
      ['/template/Head/Title'],
    );
    const bad = await raw(port, { path: '/api/views/view-1/compare?a=latest&b=$SAVED', headers: auth });
    assert.equal(bad.status, 400);
    assert.match(String(bad.json()['error']), /not a version/);
  });

  it('refuses forged requests, and none of them reaches Connect', async () => {
    const before = stub.sent.length;
    const forged = [
      { what: 'no token', status: 401, path: '/api/views', headers: {} },
      { what: 'wrong token', status: 401, path: '/api/views', headers: { [TOKEN_HEADER]: 'wrong' } },
      {
        what: 'the token in a cookie',
        status: 401,
        path: '/api/views',
        headers: { cookie: `${TOKEN_HEADER}=${session(studio.url).token}` },
      },
      { what: 'token in the query of an API call', status: 401, path: `/api/views?token=${session(studio.url).token}` },
      { what: 'foreign Host', status: 403, path: '/api/views', headers: { ...auth, host: `evil.example:${port}` } },
      { what: 'foreign Origin', status: 403, path: '/api/views', headers: { ...auth, origin: 'http://evil.example' } },
      { what: 'same-site page on another port', status: 403, path: '/api/views', headers: { ...auth, 'sec-fetch-site': 'same-site' } },
      {
        what: 'POST without the token',
        status: 401,
        method: 'POST',
        path: '/api/views/view-1/publish',
        headers: writeHeaders({ [TOKEN_HEADER]: undefined }),
      },
      {
        what: 'text/plain POST',
        status: 415,
        method: 'POST',
        path: '/api/views/view-1/publish',
        headers: writeHeaders({ 'content-type': 'text/plain' }),
      },
      { what: 'GET to a write', status: 405, path: '/api/views/view-1/publish', headers: auth },
      {
        what: 'preflight from another origin',
        status: 403,
        method: 'OPTIONS',
        path: '/api/views/view-1/publish',
        headers: {
          origin: 'http://127.0.0.1:9',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'x-studio-token',
        },
      },
      {
        what: 'preflight (it never carries the token)',
        status: 401,
        method: 'OPTIONS',
        path: '/api/views/view-1/publish',
        headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-studio-token' },
      },
      { what: 'OPTIONS with the token', status: 405, method: 'OPTIONS', path: '/api/views', headers: auth },
    ];
    for (const request of forged) {
      const answer = await raw(port, {
        method: request.method ?? 'GET',
        path: request.path,
        headers: request.headers ?? {},
        body: request.method === 'POST' ? JSON.stringify({ expectedSha: sha(stub.state.saved) }) : undefined,
      });
      assert.equal(answer.status, request.status, request.what);
      assert.equal(typeof answer.json()['error'], 'string', request.what);
      assert.equal(answer.headers['access-control-allow-origin'], undefined, request.what);
      assert.equal(answer.headers['x-content-type-options'], 'nosniff', request.what);
    }
    assert.equal(stub.sent.length, before, `no command sent: ${stub.sent.slice(before).join(', ')}`);
  });

  it('publishes with the token and the sha the page loaded; a moved sha answers 409 and writes nothing', async () => {
    const loaded = sha(stub.state.saved);
    stub.state.saved = '{"Head":{"Title":"edited elsewhere"}}';
    const writesBefore = stub.sent.filter((name) => name === 'UpdateViewContentCommand').length;
    const stale = await raw(port, {
      method: 'POST',
      path: '/api/views/view-1/publish',
      headers: writeHeaders(),
      body: JSON.stringify({ expectedSha: loaded }),
    });
    assert.equal(stale.status, 409);
    assert.match(String(stale.json()['error']), /changed since you loaded this page/);
    assert.equal(stub.sent.filter((name) => name === 'UpdateViewContentCommand').length, writesBefore);
    const fresh = await raw(port, {
      method: 'POST',
      path: '/api/views/view-1/publish',
      headers: writeHeaders(),
      body: JSON.stringify({ expectedSha: sha(stub.state.saved) }),
    });
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal(stub.state.latest, '{"Head":{"Title":"edited elsewhere"}}');
  });

  it('tells a caller without the token what to do in words, and refuses a write aimed at a qualifier', async () => {
    const refused = await raw(port, { path: '/api/views' });
    assert.equal(refused.status, 401);
    assert.match(String(refused.json()['error']), /open the address it printed/);
    const qualified = await raw(port, {
      method: 'POST',
      path: `/api/views/${encodeURIComponent('view-1:$LATEST')}/publish`,
      headers: writeHeaders(),
      body: JSON.stringify({ expectedSha: sha(stub.state.saved) }),
    });
    assert.equal(qualified.status, 400);
    assert.match(String(qualified.json()['error']), /not a view id/);
  });

  it('says each failure in words, with the status that says whose it is', () => {
    const moved = answerFor(new ChangedSinceReadError('v', 'a'.repeat(64), 'b'.repeat(64), 'you loaded this page'));
    assert.equal(moved.status, 409);
    assert.match(moved.body.error, /changed since you loaded this page \(its content is now bbbbbbbbbbbb…\): nothing was written/);
    const connectError = (name: string, status: number) =>
      Object.assign(new Error(`${name} said so`), { name, $metadata: { httpStatusCode: status } });
    assert.equal(answerFor(connectError('ThrottlingException', 429)).status, 429);
    assert.equal(answerFor(connectError('ResourceNotFoundException', 404)).status, 404);
    assert.equal(answerFor(connectError('ResourceInUseException', 409)).status, 409);
    const denied = answerFor(connectError('AccessDeniedException', 403));
    assert.deepEqual(denied, {
      status: 502,
      body: { error: 'Connect answered AccessDeniedException: AccessDeniedException said so', code: 'AccessDeniedException' },
    });
    const noCredentials = answerFor(
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
    );
    assert.match(noCredentials.body.error, /No AWS credentials/);
    assert.equal(answerFor(new TypeError('x is undefined')).status, 500);
  });

  it('listens on loopback only', async () => {
    await assert.rejects(startStudio({ target: stub.target, host: '0.0.0.0' as '127.0.0.1' }), /127\.0\.0\.1 only/);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && !address.internal && address.family === 'IPv4');
    for (const address of others) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: address!.address, port }, () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      assert.equal(refused, true, `the studio answers on ${address!.address}`);
    }
  });
});
