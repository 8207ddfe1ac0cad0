import middy, { type MiddlewareObj } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { InvalidRequestException, type ServiceError } from '#domain/errors.ts';
import type { Deployment } from '#domain/identifiers.ts';
import type { OperationName } from '#domain/model.ts';
import { asModeled, failure, internalError, success } from '#http/responses.ts';
import { fromProxyEvent, operationInput } from '#http/request.ts';
import { route } from '#http/routes.ts';
import type { ServiceContext } from '#operations/context.ts';
import { apiErrorOf } from '#operations/errors.ts';
import { OPERATIONS } from '#operations/index.ts';
import { pageTokenSupply, RequestPageTokens } from '#operations/page-tokens.ts';
import type { ViewStore } from '#store/view-store.ts';
import { missingPermission } from './access-denied.ts';
import type { BusinessMetric } from './observability.ts';
import type { PageTokenKeySource } from './page-token-keys.ts';

export interface ServiceOptions {
  store: ViewStore;
  /**
   * The HMAC key of NextTokens, the same on every instance of the function: a fixed secret (local
   * service, tests) or a source read before each request and cached (a Secrets Manager secret).
   */
  tokenSecret: string | PageTokenKeySource;
  logger?: Logger;
  /** CloudWatch metrics (EMF): the business events only, one document when one happens. */
  metrics?: Metrics;
  /** X-Ray subsegments for the handler (the DynamoDB client is captured where it is made). */
  tracer?: Tracer;
  /** Used when the invocation context carries no function ARN to derive it from. */
  fallbackDeployment?: Deployment;
  /** Time kept in reserve when a long operation works against the invocation's deadline. */
  deadlineMarginMs?: number;
}

/** What one request is about, for its log line: never names, never content. */
interface CallInfo {
  started: number;
  requestId: string;
  operation?: OperationName;
  instanceId?: string;
  viewId?: string;
}

type ServiceLambdaContext = Context & { call?: CallInfo };

/** partition, region and account of `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`. */
export function deploymentOf(context: Context, fallback?: Deployment): Deployment {
  const parts = context.invokedFunctionArn?.split(':') ?? [];
  if (parts.length >= 7 && parts[0] === 'arn') return { partition: parts[1]!, region: parts[3]!, accountId: parts[4]! };
  if (fallback) return fallback;
  throw new Error('cannot tell the account and region: the invocation context has no function ARN');
}

function requestIdOf(event: APIGatewayProxyEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId;
}

/**
 * restJson1 on the way out and one structured log line per request. Every failure becomes a modeled
 * error: ServiceErrors as they are, anything else as InternalServiceException (logged in full).
 */
function serviceProtocol(logger: Logger): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ServiceLambdaContext> {
  // Per-operation latency and errors are read from this line (Logs Insights), not from metrics:
  // a custom metric per operation would cost a billed series each.
  const logLine = (call: CallInfo, statusCode: number, outcome: string) => {
    const operation = call.operation ?? 'Unrouted';
    const latencyMs = Math.round((performance.now() - call.started) * 10) / 10;
    const fields = {
      operation,
      instanceId: call.instanceId,
      viewId: call.viewId,
      outcome,
      statusCode,
      latencyMs,
      requestId: call.requestId,
    };
    if (statusCode >= 500) logger.error('request failed', fields);
    else logger.info('request', fields);
  };

  return {
    before: (request) => {
      request.context.call = { started: performance.now(), requestId: requestIdOf(request.event, request.context) };
    },
    after: (request) => {
      const call = request.context.call!;
      logLine(call, request.response?.statusCode ?? 200, 'success');
    },
    onError: (request) => {
      const call = request.context.call ?? { started: performance.now(), requestId: request.context.awsRequestId };
      let error: ServiceError;
      const modeled = apiErrorOf(request.error);
      if (modeled) {
        error = asModeled(modeled, call.operation);
      } else {
        const denied = missingPermission(request.error);
        const fields = { requestId: call.requestId, operation: call.operation, ...denied, error: request.error as Error };
        logger.error(denied ? 'missing permission: the function’s role does not allow a call it made' : 'unexpected failure', fields);
        error = internalError(call.requestId);
      }
      request.response = failure(error, call.requestId);
      logLine(call, error.statusCode, error.errorType);
    },
  };
}

export function createHandler(options: ServiceOptions) {
  const logger = options.logger ?? new Logger();
  const pageTokens = pageTokenSupply(options.tokenSecret);
  const margin = options.deadlineMarginMs ?? 3000;

  const observe = (name: BusinessMetric) => options.metrics?.singleMetric().addMetric(name, MetricUnit.Count, 1);
  const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ServiceLambdaContext>();
  if (options.tracer) handler.use(captureLambdaHandler(options.tracer, { captureResponse: false }));
  handler.use(injectLambdaContext(logger, { resetKeys: true }));
  return handler.use(serviceProtocol(logger)).handler(async (event, context) => {
    const call = context.call!;
    const request = fromProxyEvent(event);
    const routed = route(request.method, request.path);
    if (routed.kind === 'unknown') {
      throw new InvalidRequestException(`No operation matches ${request.method} ${request.path.slice(0, 200)}.`);
    }
    if (routed.kind === 'method') {
      throw new InvalidRequestException(`${request.method} is not supported on this resource; it supports ${routed.allowed.join(', ')}.`);
    }
    const { operation, labels } = routed.route;
    call.operation = operation;
    call.instanceId = labels['InstanceId'];
    call.viewId = labels['ViewId'];

    const input = operationInput(operation, request, labels);
    // SearchViews names its instance in the body.
    if (call.instanceId === undefined && typeof input['InstanceId'] === 'string') call.instanceId = input['InstanceId'];
    const deployment = deploymentOf(context, options.fallbackDeployment);
    const deadline = Date.now() + Math.max(1000, (context.getRemainingTimeInMillis?.() ?? 30_000) - margin);
    const tokens = new RequestPageTokens(pageTokens);
    const { store } = options;
    const output = await OPERATIONS[operation](input, {
      store,
      deployment,
      tokens,
      now: store.now,
      deadline,
      observe,
    } satisfies ServiceContext);
    return success(output, call.requestId);
  });
}
