import { RemovalPolicy, Validations, type Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, HttpApi, HttpMethod, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { HTTP_ACCESS_LOG_FIELDS } from './access-logs.ts';
import type { EndpointProps, ServiceEndpoint } from './endpoint.ts';

/** The stage an HTTP API serves at the root of its URL: no stage in the path the handler routes on. */
export const HTTP_STAGE = '$default';
/** The one route with a throttle of its own: a SearchViews first page may read a whole instance's listing. */
export const SEARCH_ROUTE = 'POST /search-views';
/** SearchViews gets this share of the stage's rate and burst. */
const SEARCH_SHARE = 0.1;

/**
 * The HTTP API flavour (`-c apiType=http`): IAM authorization on every route, the Lambda proxy
 * integration with payload format 1.0 (the REST API's event, which the handler reads), a `$default`
 * stage with access logs and throttling. An HTTP API has no execution logs, X-Ray, compression,
 * WAF or resource policies (docs/deploy.md); its access logs need no account-wide logging role.
 */
export function addHttpEndpoint(stack: Stack, { handler, settings }: EndpointProps): ServiceEndpoint {
  const accessLogs = new LogGroup(stack, 'AccessLogs', { retention: settings.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
  const integration = new HttpLambdaIntegration('Handler', handler, {
    payloadFormatVersion: PayloadFormatVersion.VERSION_1_0,
    // One permission for the API rather than one per route.
    scopePermissionToRoute: false,
    // No timeout: an HTTP API's default is its maximum, 30 s (CDK refuses more than 29 s, its
    // WebSocket API limit). The function gives up at 28 s.
  });
  const api = new HttpApi(stack, 'HttpApi', {
    apiName: `${stack.stackName}-views`,
    description: 'Amazon Connect Views API (restJson1, SigV4 for execute-api)',
    createDefaultStage: false,
    // Every request, whatever its path, is the Lambda proxy behind SigV4: unknown paths get the
    // service's modeled error, as behind the REST API.
    defaultIntegration: integration,
    defaultAuthorizer: new HttpIamAuthorizer(),
  });
  const [searchRoute] = api.addRoutes({ path: '/search-views', methods: [HttpMethod.POST], integration });
  const stage = api.addStage('Stage', {
    stageName: HTTP_STAGE,
    autoDeploy: true,
    throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
    accessLogSettings: {
      destination: new LogGroupLogDestination(accessLogs),
      format: AccessLogFormat.custom(JSON.stringify(HTTP_ACCESS_LOG_FIELDS)),
    },
  });
  // Route settings name a route by its key (a JSON property: CloudFormation's own casing), so the
  // stage waits for the route to exist.
  (stage.node.defaultChild as CfnStage).routeSettings = {
    [SEARCH_ROUTE]: {
      ThrottlingRateLimit: Math.max(1, Math.ceil(settings.throttleRateLimit * SEARCH_SHARE)),
      ThrottlingBurstLimit: Math.max(1, Math.ceil(settings.throttleBurstLimit * SEARCH_SHARE)),
    },
  };
  stage.node.addDependency(searchRoute!);

  Validations.of(api).acknowledge({
    id: 'AwsSolutions-COG4',
    reason: 'Callers authenticate with IAM (SigV4 for execute-api), as for the Amazon Connect API itself; Cognito does not apply.',
  });

  const metric = { statistic: 'Sum' };
  return {
    url: stage.url,
    stageName: HTTP_STAGE,
    apiResource: api,
    arnForExecuteApi: (method, path) => api.arnForExecuteApi(method, path, HTTP_STAGE),
    metrics: {
      requests: (options) => stage.metricCount({ ...metric, ...options }),
      clientErrors: (options) => stage.metricClientError({ ...metric, ...options }),
      serverErrors: (options) => stage.metricServerError({ ...metric, ...options }),
      latency: (options) => stage.metricLatency(options),
    },
  };
}
