import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, describe, it } from 'node:test';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { API_GATEWAY_MAX_BODY, createGateway, LAMBDA_MAX_RESPONSE, type ProxyHandler } from '../../emulator/gateway/gateway.ts';
import { closeGracefully, listen } from '../../emulator/gateway/http-server.ts';

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
  servers.push({ close: async () => void (await closeGracefully(server, 0)) });
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
  /** A request over a keep-alive agent of its own, so that a cut connection shows as an error, not a retry. */
  function get(url: string, agent = new Agent({ keepAlive: true })): Promise<{ status?: number; connection?: string; error?: string }> {
    return new Promise((resolve) => {
      const request = httpRequest(`${url}/views/i`, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection! }));
      });
      request.on('error', (error) => resolve({ error: error.message }));
      request.end();
    });
  }

  it('answers the requests already received before closing (Connection: close), and takes no new connections', async () => {
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
    assert.deepEqual(await inFlight, { status: 200, connection: 'close' });
    assert.equal(await closing, 0, 'nothing cut');
  });

  it('answers a request that arrives on an idle keep-alive connection just as stopping begins', async () => {
    const { server, url } = await gateway(async () => result('{}'));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    assert.deepEqual(await get(url, agent), { status: 200, connection: 'keep-alive' });
    const closing = closeGracefully(server, 60_000, 60_000);
    assert.deepEqual(await get(url, agent), { status: 200, connection: 'close' });
    assert.equal(await closing, 0);
    agent.destroy();
  });

  it('cuts what is still running once the drain time is over, and says how much', async () => {
    let started = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const { server, url } = await gateway(async () => {
      started();
      return new Promise<APIGatewayProxyResult>(() => {});
    });
    const inFlight = get(url);
    await running;
    assert.equal(await closeGracefully(server, 50), 1);
    assert.match((await inFlight).error ?? '', /socket hang up|ECONNRESET/);
  });
});
