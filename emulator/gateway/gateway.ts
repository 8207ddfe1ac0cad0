import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_TYPE_BEHAVIOURS, type ApiType, type ApiTypeBehaviour, type GatewayAnswer, type GatewayFailure } from './api-types.ts';
import { createManagedServer, setRequestHandler } from './http-server.ts';
import { parseQuery, verifySigV4, type SigV4Config } from './sigv4.ts';

/**
 * A stand-in for API Gateway in front of the service: a REST API (AWS_IAM on every method, one
 * `{proxy+}` Lambda proxy integration) or an HTTP API (AWS_IAM on every route, the Lambda proxy with
 * payload format 1.0, the `$default` stage). It verifies SigV4, decodes the path once, builds the
 * proxy event and calls the very handler that runs in Lambda; api-types.ts has where the two differ.
 */
export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  handler: ProxyHandler;
  auth: SigV4Config;
  accountId: string;
  /** The Lambda timeout the handler is told about through getRemainingTimeInMillis. */
  functionTimeoutMs?: number;
  /** How long the gateway waits for the handler before answering 504, as API Gateway does after 29 s. */
  integrationTimeoutMs?: number;
  /** Defaults to true; false only for benchmarks that measure the handler without the gateway. */
  verifySignatures?: boolean;
  /** Which API Gateway to behave as (default `rest`). */
  apiType?: ApiType;
}

/** API Gateway refuses bodies above 10 MB; Lambda refuses invocations above 6 MB. */
export const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
export const LAMBDA_MAX_PAYLOAD = 6 * 1024 * 1024;
/**
 * What Lambda accepts as a synchronous response, measured on the serialized result: its error
 * names 6291556 bytes ("Response payload size exceeded maximum allowed payload size").
 */
export const LAMBDA_MAX_RESPONSE = 6_291_556;
/** API Gateway's maximum integration timeout for REST APIs. */
export const API_GATEWAY_INTEGRATION_TIMEOUT_MS = API_TYPE_BEHAVIOURS.rest.integrationTimeoutMs;

function gatewayError(response: ServerResponse, behaviour: ApiTypeBehaviour, answer: GatewayAnswer, close = false): void {
  const body = JSON.stringify({ message: answer.message });
  response.writeHead(answer.status, {
    'content-type': 'application/json',
    ...(answer.errorType ? { 'x-amzn-ErrorType': answer.errorType } : {}),
    [behaviour.requestIdHeader]: randomUUID(),
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

/**
 * The request's headers by lower-case name, from the raw list: Node's `request.headers` is an
 * ordinary object, where a header named `__proto__` is silently lost.
 */
function headersOf(request: IncomingMessage): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), raw[i + 1]!]);
  }
  return headers;
}

/** Duplicate headers joined as SigV4 and API Gateway's single-value `headers` see them. */
function singleHeaders(headers: Map<string, string[]>): Record<string, string> {
  return Object.fromEntries([...headers].map(([name, values]) => [name, values.join(',')]));
}

/** The size of a proxy result as Lambda measures it: its JSON serialization. */
function serializedSize(result: APIGatewayProxyResult): number {
  // A body is at most 6 times longer once JSON-escaped (\u0000): only bodies that could come near
  // the limit pay for the stringify.
  if ((result.body?.length ?? 0) * 6 < LAMBDA_MAX_RESPONSE - 64 * 1024) return 0;
  return Buffer.byteLength(JSON.stringify(result));
}

const TIMED_OUT = Symbol('timed out');

/** The handler's result, or TIMED_OUT once `timeoutMs` passed (the handler keeps running, as in Lambda). */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    // Unreferenced: a handler still running when the server stops must not keep the process alive.
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs).unref();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toEvent(
  request: IncomingMessage,
  rawHeaders: Map<string, string[]>,
  path: string,
  rawQuery: string,
  body: Buffer,
  accessKeyId: string,
  accountId: string,
): APIGatewayProxyEvent {
  const headers = singleHeaders(rawHeaders);
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
  const query = Object.entries(parseQuery(rawQuery)).map(([name, value]) => [name, Array.isArray(value) ? value : [value]] as const);
  const multi = Object.fromEntries(query);
  const single = Object.fromEntries(query.map(([name, values]) => [name, values.at(-1)!]));
  const hasQuery = query.length > 0;
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

/** Bodies an HTTP API hands the function as text; it base64-encodes any other (an assumption: see api-types.ts). */
const TEXT_CONTENT = /^(text\/|application\/([\w.+-]*\+)?(json|xml)\b)/i;

/**
 * The REST API's proxy event as an HTTP API sends it with payload format 1.0 from its `$default`
 * stage and `$default` route: `version` 1.0, the path as resource, no path parameters, the last of
 * repeated headers, a body base64-encoded unless its content type is text.
 */
function asHttpApiEvent(event: APIGatewayProxyEvent, rawHeaders: Map<string, string[]>, body: Buffer): APIGatewayProxyEvent {
  const headers = Object.fromEntries([...rawHeaders].map(([name, values]) => [name, values.at(-1)!]));
  const text = body.length === 0 || TEXT_CONTENT.test(headers['content-type'] ?? '');
  const host = headers['host'] ?? 'localhost';
  return {
    ...event,
    version: '1.0',
    resource: event.path,
    pathParameters: null,
    headers,
    multiValueHeaders: Object.fromEntries(rawHeaders),
    body: body.length === 0 ? null : body.toString(text ? 'utf8' : 'base64'),
    isBase64Encoded: !text,
    requestContext: {
      ...event.requestContext,
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      extendedRequestId: event.requestContext.requestId,
      stage: '$default',
      resourceId: null as unknown as string,
      resourcePath: event.path,
    },
  } as APIGatewayProxyEvent;
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

/** The request listener of the gateway: what API Gateway does between a client and the Lambda function. */
export function gatewayListener(options: GatewayOptions): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const apiType = options.apiType ?? 'rest';
  const behaviour = API_TYPE_BEHAVIOURS[apiType];
  const functionTimeoutMs = options.functionTimeoutMs ?? 28_000;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? behaviour.integrationTimeoutMs;
  const fail = (response: ServerResponse, failure: GatewayFailure, close = false) =>
    gatewayError(response, behaviour, behaviour.answers[failure], close);

  return async (request, response) => {
    try {
      const body = await readBody(request);
      if (!body) return fail(response, 'requestTooLarge', true);

      const url = request.url ?? '/';
      const queryAt = url.indexOf('?');
      const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
      const rawQuery = queryAt < 0 ? '' : url.slice(queryAt + 1);
      const rawHeaders = headersOf(request);

      let accessKeyId = 'unsigned';
      if (options.verifySignatures !== false) {
        const verdict = await verifySigV4(
          { method: request.method ?? 'GET', rawPath, rawQuery, headers: Object.fromEntries(rawHeaders), body },
          options.auth,
        );
        if (!verdict.ok) {
          if (verdict.errorType === 'MissingAuthenticationTokenException') return fail(response, 'missingToken');
          return gatewayError(response, behaviour, behaviour.denied(verdict.errorType, verdict.message));
        }
        accessKeyId = verdict.accessKeyId;
      }

      let path: string;
      try {
        // API Gateway decodes the path once (`%2F` becomes `/`) before the Lambda sees it. An HTTP
        // API is reported to cut it at a decoded `?` as well: what follows never reaches the function.
        path = decodeURIComponent(rawPath);
        if (apiType === 'http' && path.includes('?')) path = path.slice(0, path.indexOf('?'));
        parseQuery(rawQuery);
      } catch {
        return fail(response, 'badEncoding');
      }
      const restEvent = toEvent(request, rawHeaders, path, rawQuery, body, accessKeyId, options.accountId);
      const event = apiType === 'http' ? asHttpApiEvent(restEvent, rawHeaders, body) : restEvent;
      // Only a large body can take the event past Lambda's limit; sizing the event costs a stringify.
      if (body.length > LAMBDA_MAX_PAYLOAD / 2 && Buffer.byteLength(JSON.stringify(event)) > LAMBDA_MAX_PAYLOAD) {
        return fail(response, 'invocationTooLarge');
      }

      let result: APIGatewayProxyResult | typeof TIMED_OUT;
      try {
        result = await withTimeout(
          options.handler(event, lambdaContext(options.accountId, options.auth.region, functionTimeoutMs)),
          integrationTimeoutMs,
        );
      } catch (error) {
        // What API Gateway answers when the function itself fails.
        console.error('local gateway: the handler threw', error);
        return fail(response, 'functionFailed');
      }
      if (result === TIMED_OUT) return fail(response, 'timedOut');
      const size = serializedSize(result);
      if (size > LAMBDA_MAX_RESPONSE) {
        // Lambda refuses the response (after the function ran, and after any write it made committed)
        // and API Gateway turns that into a plain 5xx.
        console.error(
          `local gateway: the function's response is ${size} bytes, over Lambda's ${LAMBDA_MAX_RESPONSE}; answering ` +
            `${behaviour.answers.responseTooLarge.status} as API Gateway does`,
        );
        return fail(response, 'responseTooLarge');
      }
      const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
      const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
      if (apiType === 'http') headers[behaviour.requestIdHeader] = restEvent.requestContext.requestId;
      headers['content-length'] = String(payload.length);
      response.writeHead(result.statusCode, headers);
      response.end(payload);
    } catch (error) {
      console.error('local gateway: request failed', error);
      if (!response.headersSent) fail(response, 'internal');
      else response.destroy();
    }
  };
}

/** The gateway on a server of its own, or on `server` (made by createManagedServer, maybe already listening). */
export function createGateway(options: GatewayOptions, server: Server = createManagedServer()): Server {
  const listener = gatewayListener(options);
  setRequestHandler(server, (request, response) => void listener(request, response));
  return server;
}
