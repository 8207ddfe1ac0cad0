import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, describe, it } from 'node:test';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  API_GATEWAY_MAX_BODY,
  closeGracefully,
  createGateway,
  LAMBDA_MAX_RESPONSE,
  listen,
  type ProxyHandler,
} from '../../bin/local/gateway.ts';

/**
 * The local gateway holds the service to API Gateway's and Lambda's limits, as AWS does: a request
 * over 10 MB, a function response over 6 MB, a function slower than the integration timeout.
 * The handler here is injected, so each limit is met exactly.
 */
const servers: { close(): Promise<void> }[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

async function gateway(handler: ProxyHandler, integrationTimeoutMs?: number) {
  const server = createGateway({
    handler,
    auth: { credentials: new Map(), region: 'us-east-1', services: ['connect'], maxSkewMs: 300_000 },
    accountId: '000000000000',
    verifySignatures: false,
    ...(integrationTimeoutMs ? { integrationTimeoutMs } : {}),
  });
  const url = await listen(server, 0);
  servers.push({ close: () => closeGracefully(server, 0) });
  return { server, url };
}

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(`${url}/views/i`, init);
  return { status: response.status, text: await response.text(), errorType: response.headers.get('x-amzn-errortype') };
}

const result = (body: string): APIGatewayProxyResult => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body });
/** The body length that makes the serialized result exactly `size` bytes. */
const bodyFor = (size: number) => 'x'.repeat(size - Buffer.byteLength(JSON.stringify(result(''))));

describe('the local gateway enforces AWS limits', () => {
  it('refuses a request payload over 10 MB with 413 before the function sees it', async () => {
    let invoked = false;
    const { url } = await gateway(async () => {
      invoked = true;
      return result('{}');
    });
    const response = await call(url, { method: 'PUT', body: 'x'.repeat(API_GATEWAY_MAX_BODY + 1) });
    assert.equal(response.status, 413);
    assert.equal(invoked, false);
  });

  it('answers 502 {"message": "Internal server error"} for a function response over Lambda’s 6 MB, measured as Lambda serializes it', async () => {
    let body = '';
    const { url } = await gateway(async () => result(body));
    body = bodyFor(LAMBDA_MAX_RESPONSE);
    const atLimit = await call(url);
    assert.equal(atLimit.status, 200);
    assert.equal(atLimit.text.length, body.length);

    body = bodyFor(LAMBDA_MAX_RESPONSE + 1);
    const over = await call(url);
    assert.equal(over.status, 502);
    assert.deepEqual(JSON.parse(over.text), { message: 'Internal server error' });

    // Half the limit in characters, but every one escaped in the serialized result.
    body = '"'.repeat(Math.ceil(LAMBDA_MAX_RESPONSE / 2));
    assert.equal((await call(url)).status, 502);
  });

  it('answers 504 {"message": "Endpoint request timed out"} when the function outlasts the integration timeout', async () => {
    let release = () => {};
    const { url } = await gateway(
      () =>
        new Promise((resolve) => {
          release = () => resolve(result('{}'));
        }),
      100,
    );
    const response = await call(url);
    release();
    assert.equal(response.status, 504);
    assert.deepEqual(JSON.parse(response.text), { message: 'Endpoint request timed out' });
  });

  it('answers a quick function within the timeout as usual', async () => {
    const { url } = await gateway(async () => result('{"ok":true}'), 60_000);
    assert.deepEqual(await call(url), { status: 200, text: '{"ok":true}', errorType: null });
  });
});

describe('stopping drains', () => {
  /** A request over a raw keep-alive agent, so that a cut connection shows as an error, not a retry. */
  function get(url: string): Promise<{ status?: number; error?: string }> {
    return new Promise((resolve) => {
      const request = httpRequest(`${url}/views/i`, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode! }));
      });
      request.on('error', (error) => resolve({ error: error.message }));
      request.end();
    });
  }

  it('answers the requests already received before closing, and takes no new ones', async () => {
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    let release = () => {};
    const { server, url } = await gateway(async () => {
      started();
      await new Promise<void>((resolve) => (release = resolve));
      return result('{}');
    });
    const inFlight = get(url);
    await running;
    const closing = closeGracefully(server, 60_000);
    const refused = await get(url);
    assert.match(refused.error ?? '', /ECONNREFUSED/);
    release();
    assert.deepEqual(await inFlight, { status: 200 });
    await closing;
  });

  it('cuts what is still running once the drain time is over', async () => {
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const { server, url } = await gateway(async () => {
      started();
      return new Promise<APIGatewayProxyResult>(() => {});
    });
    const inFlight = get(url);
    await running;
    await closeGracefully(server, 50);
    assert.match((await inFlight).error ?? '', /socket hang up|ECONNRESET/);
  });
});
