import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, describe, it } from 'node:test';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { API_TYPE_BEHAVIOURS, API_TYPES, type ApiType } from '../../emulator/gateway/api-types.ts';
import { API_GATEWAY_MAX_BODY, createGateway, LAMBDA_MAX_RESPONSE, type ProxyHandler } from '../../emulator/gateway/gateway.ts';
import { closeGracefully, listen } from '../../emulator/gateway/http-server.ts';
import { assertGatewayErrorType, EXPECTED_GATEWAY_ANSWERS } from '../support/gateway-answers.ts';

/**
 * The local gateway holds the service to API Gateway's and Lambda's limits, as AWS does: a request
 * over 10 MB, a function response over 6 MB, a function slower than the integration timeout; as a
 * REST API or as an HTTP API, each with its own answers. The handler here is injected, so each
 * limit is met exactly.
 */
const servers: { close(): Promise<void> }[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

async function gateway(handler: ProxyHandler, integrationTimeoutMs?: number, apiType: ApiType = 'rest') {
  const server = createGateway({
    handler,
    auth: { credentials: new Map(), region: 'us-east-1', services: ['connect'], maxSkewMs: 300_000 },
    accountId: '000000000000',
    verifySignatures: false,
    apiType,
    ...(integrationTimeoutMs ? { integrationTimeoutMs } : {}),
  });
  const url = await listen(server, 0);
  servers.push({ close: async () => void (await closeGracefully(server, 0)) });
  return { server, url };
}

async function call(url: string, init: RequestInit = {}, path = '/views/i') {
  const response = await fetch(`${url}${path}`, init);
  return {
    status: response.status,
    text: await response.text(),
    errorType: response.headers.get('x-amzn-errortype'),
    headers: response.headers,
  };
}

const result = (body: string): APIGatewayProxyResult => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body });
/** The body length that makes the serialized result exactly `size` bytes. */
const bodyFor = (size: number) => 'x'.repeat(size - Buffer.byteLength(JSON.stringify(result(''))));

for (const apiType of API_TYPES) {
  const expected = EXPECTED_GATEWAY_ANSWERS[apiType];
  const answer = (name: keyof typeof expected) => ({ status: expected[name].status, body: { message: expected[name].message } });
  const received = (response: Awaited<ReturnType<typeof call>>) => ({ status: response.status, body: JSON.parse(response.text) });

  describe(`the local gateway enforces AWS limits (${apiType.toUpperCase()} API)`, () => {
    it('refuses a request payload over 10 MB with 413 before the function sees it', async () => {
      let invoked = false;
      const { url } = await gateway(
        async () => {
          invoked = true;
          return result('{}');
        },
        undefined,
        apiType,
      );
      const response = await call(url, { method: 'PUT', body: 'x'.repeat(API_GATEWAY_MAX_BODY + 1) });
      assert.equal(response.status, 413);
      assert.equal(invoked, false);
    });

    const tooLarge = `${expected.responseTooLarge.status} {"message": "${expected.responseTooLarge.message}"}`;
    it(`answers ${tooLarge} for a function response over Lambda’s 6 MB, measured as Lambda serializes it`, async () => {
      let body = '';
      const { url } = await gateway(async () => result(body), undefined, apiType);
      body = bodyFor(LAMBDA_MAX_RESPONSE);
      const atLimit = await call(url);
      assert.equal(atLimit.status, 200);
      assert.equal(atLimit.text.length, body.length);

      body = bodyFor(LAMBDA_MAX_RESPONSE + 1);
      const over = await call(url);
      assert.deepEqual(received(over), answer('responseTooLarge'));
      assertGatewayErrorType(over, expected.responseTooLarge.errorType ?? undefined, apiType);

      // Half the limit in characters, but every one escaped in the serialized result.
      body = '"'.repeat(Math.ceil(LAMBDA_MAX_RESPONSE / 2));
      assert.equal((await call(url)).status, expected.responseTooLarge.status);
    });

    const timedOut = `${expected.timedOut.status} {"message": "${expected.timedOut.message}"}`;
    it(`answers ${timedOut} when the function outlasts the integration timeout`, async () => {
      let release = () => {};
      const { url } = await gateway(
        () =>
          new Promise((resolve) => {
            release = () => resolve(result('{}'));
          }),
        100,
        apiType,
      );
      const response = await call(url);
      release();
      assert.deepEqual(received(response), answer('timedOut'));
    });

    it(`answers ${expected.functionFailed.status} {"message": "${expected.functionFailed.message}"} when the function fails`, async () => {
      const { url } = await gateway(
        async () => {
          throw new Error('the function crashed');
        },
        undefined,
        apiType,
      );
      const original = console.error;
      console.error = () => {};
      try {
        assert.deepEqual(received(await call(url)), answer('functionFailed'));
      } finally {
        console.error = original;
      }
    });

    it('answers a quick function within the timeout as usual', async () => {
      const { url } = await gateway(async () => result('{"ok":true}'), 60_000, apiType);
      const response = await call(url);
      assert.deepEqual(
        { status: response.status, text: response.text, errorType: response.errorType },
        { status: 200, text: '{"ok":true}', errorType: null },
      );
    });
  });
}

describe('the local gateway as an HTTP API', () => {
  it('waits 30 s for the function, where a REST API waits 29 s', () => {
    assert.equal(API_TYPE_BEHAVIOURS.rest.integrationTimeoutMs, 29_000);
    assert.equal(API_TYPE_BEHAVIOURS.http.integrationTimeoutMs, 30_000);
  });

  /** The event the function gets for one request through the gateway as an HTTP API. */
  async function eventFor(init: RequestInit, path: string) {
    const events: (APIGatewayProxyEvent & { version?: string })[] = [];
    const { url } = await gateway(
      async (event) => {
        events.push(event);
        return result('{}');
      },
      undefined,
      'http',
    );
    const response = await call(url, init, path);
    return { response, event: events[0]! };
  }

  it('hands the function the payload format 1.0 event of the $default stage and route, its path decoded', async () => {
    const arn = 'arn:aws:connect:us-east-1:000000000000:instance/i/view/v:2';
    const { response, event } = await eventFor(
      { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } },
      `/views/i/${encodeURIComponent(arn)}/versions?nextToken=a%2Bb`,
    );
    assert.equal(response.status, 200);
    assert.ok(response.headers.get('apigw-requestid'), 'an HTTP API names its request id apigw-requestid');
    assert.equal(event.version, '1.0');
    assert.equal(event.path, `/views/i/${arn}/versions`);
    assert.equal(event.resource, event.path);
    assert.equal(event.pathParameters, null);
    assert.equal(event.requestContext.stage, '$default');
    assert.deepEqual(event.multiValueQueryStringParameters, { nextToken: ['a+b'] });
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.body, '{"a":1}');
  });

  it('base64-encodes a body whose content type is not text, and cuts the path at a decoded "?"', async () => {
    const { event } = await eventFor(
      { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/octet-stream' } },
      '/views/i/abc%3Fx/versions',
    );
    assert.equal(event.isBase64Encoded, true);
    assert.equal(Buffer.from(event.body!, 'base64').toString('utf8'), '{"a":1}');
    assert.equal(event.path, '/views/i/abc', 'what followed the "?" never reaches the function');
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
