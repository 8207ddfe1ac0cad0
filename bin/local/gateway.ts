import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { parseQuery, verifySigV4, type SigV4Config } from './sigv4.ts';

/**
 * A stand-in for API Gateway (REST API, AWS_IAM on every method, one `{proxy+}` Lambda proxy
 * integration): it verifies SigV4, decodes the path once, builds the v1 proxy event and calls the
 * very handler that runs in Lambda.
 */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  handler: ProxyHandler;
  auth: SigV4Config;
  accountId: string;
  /** The Lambda timeout the handler is told about through getRemainingTimeInMillis. */
  functionTimeoutMs?: number;
  /** Defaults to true; false only for benchmarks that measure the handler without the gateway. */
  verifySignatures?: boolean;
}

/** API Gateway refuses bodies above 10 MB; Lambda refuses invocations above 6 MB. */
export const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
export const LAMBDA_MAX_PAYLOAD = 6 * 1024 * 1024;

function gatewayError(response: ServerResponse, status: number, errorType: string, message: string, close = false): void {
  const body = JSON.stringify({ message });
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-ErrorType': errorType,
    'x-amzn-RequestId': randomUUID(),
    'content-length': Buffer.byteLength(body),
    // The rest of an oversized body is never read, so the connection cannot carry another request.
    ...(close ? { connection: 'close' } : {}),
  });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > API_GATEWAY_MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function singleHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function toEvent(
  request: IncomingMessage,
  path: string,
  rawQuery: string,
  body: Buffer,
  accessKeyId: string,
  accountId: string,
): APIGatewayProxyEvent {
  const headers = singleHeaders(request);
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(parseQuery(rawQuery))) multi[name] = Array.isArray(value) ? value : [value];
  const single = Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v.at(-1)!]));
  const hasQuery = Object.keys(multi).length > 0;
  const requestId = randomUUID();
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? single : null,
    multiValueQueryStringParameters: hasQuery ? multi : null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId,
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: request.method ?? 'GET',
      identity: {
        accessKey: accessKeyId,
        accountId,
        apiKey: null,
        apiKeyId: null,
        caller: accessKeyId,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: accessKeyId,
        userAgent: headers['user-agent'] ?? null,
        userArn: `arn:aws:iam::${accountId}:user/local`,
      },
      path,
      stage: 'local',
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'proxy',
      resourcePath: '/{proxy+}',
    },
  };
}

function lambdaContext(accountId: string, region: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const fail = () => {
    throw new Error('callbacks are not supported');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'connect-views-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:connect-views-local`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/connect-views-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
}

export function createGateway(options: GatewayOptions): Server {
  const timeoutMs = options.functionTimeoutMs ?? 28_000;

  const server = createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      if (!body) return gatewayError(response, 413, 'RequestEntityTooLargeException', 'Request Too Long', true);

      const url = request.url ?? '/';
      const queryAt = url.indexOf('?');
      const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
      const rawQuery = queryAt < 0 ? '' : url.slice(queryAt + 1);

      let accessKeyId = 'unsigned';
      if (options.verifySignatures !== false) {
        const verdict = await verifySigV4(
          { method: request.method ?? 'GET', rawPath, rawQuery, headers: request.headers as Record<string, string | undefined>, body },
          options.auth,
        );
        if (!verdict.ok) return gatewayError(response, 403, verdict.errorType, verdict.message);
        accessKeyId = verdict.accessKeyId;
      }

      let path: string;
      try {
        // API Gateway decodes the path once (`%2F` becomes `/`) before the Lambda sees it.
        path = decodeURIComponent(rawPath);
        parseQuery(rawQuery);
      } catch {
        return gatewayError(response, 400, 'BadRequestException', 'Invalid percent-encoding in the request URI.');
      }
      const event = toEvent(request, path, rawQuery, body, accessKeyId, options.accountId);
      // Only a large body can take the event past Lambda's limit; sizing the event costs a stringify.
      if (body.length > LAMBDA_MAX_PAYLOAD / 2 && Buffer.byteLength(JSON.stringify(event)) > LAMBDA_MAX_PAYLOAD) {
        return gatewayError(response, 413, 'RequestEntityTooLargeException', 'Request Entity Too Large');
      }

      let result: APIGatewayProxyResult;
      try {
        result = await options.handler(event, lambdaContext(options.accountId, options.auth.region, timeoutMs));
      } catch (error) {
        // What API Gateway answers when the function itself fails.
        console.error('local gateway: the handler threw', error);
        return gatewayError(response, 502, 'InternalServerErrorException', 'Internal server error');
      }
      const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
      const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
      headers['content-length'] = String(payload.length);
      response.writeHead(result.statusCode, headers);
      response.end(payload);
    } catch (error) {
      console.error('local gateway: request failed', error);
      if (!response.headersSent) gatewayError(response, 500, 'InternalServerErrorException', 'Internal server error');
      else response.destroy();
    }
  });
  // Node closes idle keep-alive connections after 5 s, racing clients that reuse them at that moment
  // (ECONNRESET); like AWS load balancers, keep them far longer than the SDKs' idle periods.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
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
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}
